/*
 * ClassChain console: the SRP-6a client of docs/auth.md, the canonical batch and the session MACs,
 * in the browser. The password, P', x and the session key K never leave this file's closures;
 * only A, M1 and MACs go to the peer.
 *
 * Group arithmetic on BigInt; hashing through ClassChainCrypto (WebCrypto or its pure fallback).
 * Exposes window.ClassChainSrp.
 */
(function (global) {
  'use strict';

  var C = global.ClassChainCrypto;

  /** RFC 5054 Appendix A, the 2048-bit group, g = 2. */
  var GROUP_2048 = Object.freeze({
    N: BigInt('0xAC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC3192943DB56050A37329CBB4A099ED8193E0757767A13DD'
      + '52312AB4B03310DCD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FBD5FAAAE82918A9962F0B93B855F97993EC97'
      + '5EEAA80D740ADBF4FF747359D041D5C33EA71D281E446B14773BCA97B43A23FB801676BD207A436C6481F1D2B9078717461A5B9D32E'
      + '688F87748544523B524B0D57D5EA77A2775D2ECFA032CFBDBF52FB3786160279004E57AE6AF874E7303CE53299CCC041C7BC308D82A'
      + '5698F3A8D0C38271AE35F8E9DBFBB694B5C803D89F7AE435DE236D525F54759B65E372FCD68EF20FA7111F9E4AFF73'),
    g: 2n,
    length: 256
  });

  /** The most PBKDF2 iterations a challenge may ask for (a hostile relay could ask for more to stall us). */
  var MAX_ITERATIONS = 10000000;

  // ------------------------------------------------------------------ numbers

  function toBig(bytes) {
    return bytes.length === 0 ? 0n : BigInt('0x' + C.hex(bytes));
  }

  /** Minimal unsigned big-endian bytes (one zero byte for 0). */
  function toBytes(x) {
    var h = x.toString(16);
    return C.fromHex(h.length % 2 ? '0' + h : h);
  }

  /** PAD(x): unsigned big-endian, left-padded with zeros to `length` bytes. */
  function pad(x, length) {
    var raw = toBytes(x);
    if (raw.length > length) {
      throw new Error('value longer than ' + length + ' bytes');
    }
    var out = new Uint8Array(length);
    out.set(raw, length - raw.length);
    return out;
  }

  function modPow(base, exp, mod) {
    var result = 1n;
    var b = ((base % mod) + mod) % mod;
    var e = exp;
    while (e > 0n) {
      if (e & 1n) {
        result = result * b % mod;
      }
      e >>= 1n;
      b = b * b % mod;
    }
    return result;
  }

  /** A 256-bit private value with its top bit set. */
  function randomPrivate() {
    var bytes = C.randomBytes(32);
    bytes[0] |= 0x80;
    return toBig(bytes);
  }

  // ------------------------------------------------------------------ the formulas (docs/auth.md)

  /** k = H(PAD(N) | PAD(g)). `H` maps bytes to a promise of bytes. */
  function computeK(group, H) {
    return H(C.concat(pad(group.N, group.length), pad(group.g, group.length))).then(toBig);
  }

  /** x = H(salt | H(I | ":" | P)), P being the hardened password P' (or a raw one in RFC 5054's vector). */
  function computeX(H, salt, identity, password) {
    return H(C.concat(identity, C.utf8(':'), password)).then(function (inner) {
      return H(C.concat(salt, inner));
    }).then(toBig);
  }

  /** u = H(PAD(A) | PAD(B)). */
  function computeU(group, H, A, B) {
    return H(C.concat(pad(A, group.length), pad(B, group.length))).then(toBig);
  }

  /** S = (B − k·g^x)^(a + u·x) mod N. */
  function clientSecret(group, k, x, a, u, B) {
    var N = group.N;
    var base = ((B - k * modPow(group.g, x, N)) % N + N) % N;
    return modPow(base, a + u * x, N);
  }

  /** M1 = H(PAD(A) | PAD(B) | PAD(S)). */
  function clientEvidence(group, H, A, B, S) {
    var L = group.length;
    return H(C.concat(pad(A, L), pad(B, L), pad(S, L)));
  }

  /** M2 = H(PAD(A) | PAD(int(M1)) | PAD(S)). */
  function serverEvidence(group, H, A, M1, S) {
    var L = group.length;
    return H(C.concat(pad(A, L), pad(toBig(M1), L), pad(S, L)));
  }

  /** K = H(PAD(S)). */
  function sessionKey(group, H, S) {
    return H(pad(S, group.length));
  }

  /** UTF-8 as Java's String.getBytes(UTF_8) writes it: an unpaired surrogate becomes '?'. */
  function javaUtf8(s) {
    return C.utf8(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'));
  }

  /** P' = PBKDF2-HMAC-SHA256(UTF-8(NFC(password)), salt, iterations, 32). */
  function harden(password, salt, iterations) {
    return C.pbkdf2Sha256(javaUtf8(password.normalize('NFC')), salt, iterations, 32);
  }

  // ------------------------------------------------------------------ canonical JSON (CanonicalJson.encodeBatch)

  var SHORT_ESCAPES = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

  function hex4(c) {
    return '\\u' + ('000' + c.toString(16).toUpperCase()).slice(-4);
  }

  /**
   * A JSON string exactly as Jackson's UTF-8 generator writes it: \" and \\, the short escapes
   * \b \t \n \f \r, \u00XX (upper-case hex) for the other control characters, every UTF-16
   * surrogate (paired or not) as \uXXXX, and everything else raw.
   */
  function canonicalString(s) {
    var out = '"';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x20 || c === 34 || c === 92) {
        out += SHORT_ESCAPES[c] || hex4(c);
      } else if (c >= 0xD800 && c <= 0xDFFF) {
        out += hex4(c);
      } else {
        out += s.charAt(i);
      }
    }
    return out + '"';
  }

  /** Sorted by UTF-16 code units, like Java's String.compareTo (and JavaScript's default sort). */
  function sortedUnique(values) {
    var sorted = values.slice().sort();
    return sorted.filter(function (v, i) {
      return i === 0 || v !== sorted[i - 1];
    });
  }

  function canonicalCommand(c) {
    var keys = Object.keys(c.args || {}).sort();
    var args = keys.map(function (k) {
      return canonicalString(k) + ':' + canonicalString(String(c.args[k]));
    }).join(',');
    var values = sortedUnique(c.target.values || []).map(canonicalString).join(',');
    if (!Number.isSafeInteger(c.notAfter)) {
      throw new Error('notAfter must be epoch milliseconds');
    }
    return '{"args":{' + args + '},"id":' + canonicalString(c.id) + ',"module":' + canonicalString(c.module)
      + ',"notAfter":' + String(c.notAfter) + ',"target":{"kind":' + canonicalString(c.target.kind)
      + ',"values":[' + values + ']}}';
  }

  function canonicalAccount(a) {
    return '{"hostKeys":[' + a.hostKeys.map(canonicalString).join(',') + '],"role":' + canonicalString(a.role)
      + ',"username":' + canonicalString(a.username) + '}';
  }

  /** {"accounts":[..],"commands":[..]}: the text whose UTF-8 bytes a batch MAC covers. */
  function canonicalBatch(commands, accounts) {
    return '{"accounts":[' + (accounts || []).map(canonicalAccount).join(',') + '],"commands":['
      + commands.map(canonicalCommand).join(',') + ']}';
  }

  /** HMAC-SHA256(K, ctr | message), ctr 8 bytes big-endian. */
  function mac(key, counter, message) {
    var ctr = new Uint8Array(8);
    new DataView(ctr.buffer).setBigUint64(0, BigInt(counter));
    return C.hmacSha256(key, C.concat(ctr, message));
  }

  // ------------------------------------------------------------------ the client

  /**
   * One sign-in: new Client(username) gives A; respond(challenge, password) gives M1; confirm(M2)
   * checks the host's evidence; then batch() and login() make MAC'd requests with counters 1, 2,
   * 3, ... Calls must come in that order. `options.a` (a BigInt) fixes the private value, for tests.
   */
  function Client(username, options) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(username)) {
      throw new Error('a username is 1-64 letters, digits, ".", "_" or "-"');
    }
    var group = GROUP_2048;
    var H = C.sha256;
    var a = options && options.a !== undefined ? BigInt(options.a) : randomPrivate();
    var A = modPow(group.g, a, group.N);
    var session = null;
    var expectedM2 = null;
    var key = null;
    var counter = 0;

    this.username = username;
    /** A as lower-case hex, for POST /auth/start. */
    this.A = C.hex(toBytes(A));

    /**
     * Answers the challenge {session, salt, iterations, B} (hex as on the wire) with M1 (hex).
     * Rejects a malformed challenge with an Error naming what is wrong.
     */
    this.respond = function (challenge, password) {
      if (session !== null) {
        return Promise.reject(new Error('respond once per sign-in'));
      }
      var salt;
      var Bbytes;
      try {
        salt = C.fromHex(challenge.salt);
        Bbytes = C.fromHex(challenge.B);
      } catch (e) {
        return Promise.reject(new Error('the challenge is malformed'));
      }
      var iterations = challenge.iterations;
      if (!challenge.session) {
        return Promise.reject(new Error('the challenge names no session'));
      }
      if (salt.length === 0 || salt.length > 64) {
        return Promise.reject(new Error('the challenge\'s salt has ' + salt.length + ' bytes'));
      }
      if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
        return Promise.reject(new Error('the challenge asks for ' + iterations + ' iterations'));
      }
      var B = toBig(Bbytes);
      if (Bbytes.length === 0 || Bbytes.length > group.length || B % group.N === 0n) {
        return Promise.reject(new Error('the challenge\'s B is not usable'));
      }
      var identity = C.utf8(username);
      var k;
      var u;
      var S;
      var M1;
      return Promise.all([computeK(group, H), computeU(group, H, A, B), harden(password, salt, iterations)])
        .then(function (r) {
          k = r[0];
          u = r[1];
          if (u === 0n) {
            throw new Error('the challenge\'s B is not usable');
          }
          return computeX(H, salt, identity, r[2]);
        })
        .then(function (x) {
          S = clientSecret(group, k, x, a, u, B);
          return clientEvidence(group, H, A, B, S);
        })
        .then(function (m1) {
          M1 = m1;
          return Promise.all([serverEvidence(group, H, A, M1, S), sessionKey(group, H, S)]);
        })
        .then(function (r) {
          expectedM2 = r[0];
          key = r[1];
          session = challenge.session;
          return C.hex(M1);
        });
    };

    /**
     * Whether the host's M2 (hex) is the expected one: only then is this client signed in. A
     * wrong M2 forgets the key.
     */
    this.confirm = function (m2hex) {
      var ok = false;
      try {
        ok = expectedM2 !== null && C.equalBytes(C.fromHex(m2hex), expectedM2);
      } catch (e) {
        ok = false;
      }
      if (!ok) {
        key = null;
        expectedM2 = null;
        return false;
      }
      expectedM2 = null;
      return true;
    };

    this.signedIn = function () {
      return key !== null && expectedM2 === null && session !== null;
    };

    this.session = function () {
      return session;
    };

    function requireKey() {
      if (key === null || expectedM2 !== null) {
        throw new Error('not signed in');
      }
    }

    /** The body of POST /api/v1/commands for these commands (and accounts), MAC'd with the next counter. */
    this.batch = function (commands, accounts) {
      try {
        requireKey();
      } catch (e) {
        return Promise.reject(e);
      }
      var c = ++counter;
      var text = canonicalBatch(commands, accounts || []);
      return mac(key, c, C.utf8(text)).then(function (m) {
        return {
          username: username, session: session, counter: c, commands: commands,
          accounts: accounts || [], mac: C.hex(m)
        };
      });
    };

    /** The body of POST /api/v1/auth/login at the peer with this node id, with the next counter. */
    this.login = function (peerNodeId) {
      try {
        requireKey();
      } catch (e) {
        return Promise.reject(e);
      }
      var c = ++counter;
      return mac(key, c, C.utf8('login:' + peerNodeId)).then(function (m) {
        return { username: username, session: session, counter: c, peerNodeId: peerNodeId, mac: C.hex(m) };
      });
    };

    /** The body of POST /api/v1/auth/logout: ends this session at its host (its view tokens too). */
    this.logout = function () {
      try {
        requireKey();
      } catch (e) {
        return Promise.reject(e);
      }
      var c = ++counter;
      return mac(key, c, C.utf8('logout')).then(function (m) {
        return { username: username, session: session, counter: c, mac: C.hex(m) };
      });
    };

    /**
     * The view token that opens the teacher's private views (receipt events, screens) at the peer
     * with this node id until `until` (epoch ms): {session, until, mac}. No counter: reusable.
     */
    this.view = function (peerNodeId, until) {
      try {
        requireKey();
      } catch (e) {
        return Promise.reject(e);
      }
      return mac(key, until, C.utf8('view:' + peerNodeId)).then(function (m) {
        return { session: session, until: until, mac: C.hex(m) };
      });
    };

    /** Forgets the key; the client can send nothing more. */
    this.forget = function () {
      key = null;
      expectedM2 = null;
    };
  }

  /** A random UUID (version 4) from crypto.getRandomValues, which unlike randomUUID needs no secure context. */
  function uuid() {
    var b = C.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = C.hex(b);
    return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' + h.substr(20);
  }

  global.ClassChainSrp = Object.freeze({
    GROUP_2048: GROUP_2048,
    MAX_ITERATIONS: MAX_ITERATIONS,
    Client: Client,
    toBig: toBig,
    toBytes: toBytes,
    pad: pad,
    modPow: modPow,
    computeK: computeK,
    computeX: computeX,
    computeU: computeU,
    clientSecret: clientSecret,
    clientEvidence: clientEvidence,
    serverEvidence: serverEvidence,
    sessionKey: sessionKey,
    harden: harden,
    canonicalString: canonicalString,
    canonicalBatch: canonicalBatch,
    mac: mac,
    uuid: uuid
  });
}(window));
