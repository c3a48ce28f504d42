/*
 * ClassChain console: hashing for the sign-in, in the browser.
 *
 * WebCrypto (crypto.subtle) exists only in secure contexts (https, localhost). A console opened
 * at http://<lan-address>:8080/ has none, so this file also carries a small SHA-256, HMAC-SHA256
 * and PBKDF2-HMAC-SHA256 of its own (and SHA-1, used only by the RFC 5054 known-answer check).
 * The pure code is checked against the NIST SHA-256 examples, RFC 4231 (HMAC) and RFC 7914 §11
 * (PBKDF2) by the console's browser tests, on both paths.
 *
 * Exposes window.ClassChainCrypto. Every function takes and returns Uint8Array; the async ones
 * return promises whichever path runs.
 */
(function (global) {
  'use strict';

  var encoder = new TextEncoder();

  function utf8(s) {
    return encoder.encode(s);
  }

  function hex(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) {
      s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return s;
  }

  function fromHex(s) {
    if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
      throw new Error('not hex: ' + s);
    }
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) {
      out[i] = parseInt(s.substr(i * 2, 2), 16);
    }
    return out;
  }

  function concat() {
    var total = 0;
    var i;
    for (i = 0; i < arguments.length; i++) {
      total += arguments[i].length;
    }
    var out = new Uint8Array(total);
    var at = 0;
    for (i = 0; i < arguments.length; i++) {
      out.set(arguments[i], at);
      at += arguments[i].length;
    }
    return out;
  }

  function randomBytes(n) {
    var out = new Uint8Array(n);
    global.crypto.getRandomValues(out);
    return out;
  }

  /** Compares two byte arrays without an early exit. */
  function equalBytes(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    var diff = 0;
    for (var i = 0; i < a.length; i++) {
      diff |= a[i] ^ b[i];
    }
    return diff === 0;
  }

  // ------------------------------------------------------------------ SHA-256 (FIPS 180-4)

  var K256 = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var IV256 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  /** One compression: state (Int32Array(8)) absorbs w[0..15] (big-endian words); w has room for 64. */
  function compress256(state, w) {
    var i, t1, t2, x, y;
    for (i = 16; i < 64; i++) {
      x = w[i - 15];
      y = w[i - 2];
      w[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3))
        + w[i - 7]
        + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))
        + w[i - 16] | 0;
    }
    var a = state[0], b = state[1], c = state[2], d = state[3];
    var e = state[4], f = state[5], g = state[6], h = state[7];
    for (i = 0; i < 64; i++) {
      t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
        + ((e & f) ^ (~e & g)) + K256[i] + w[i] | 0;
      t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))
        + ((a & b) ^ (a & c) ^ (b & c)) | 0;
      h = g;
      g = f;
      f = e;
      e = d + t1 | 0;
      d = c;
      c = b;
      b = a;
      a = t1 + t2 | 0;
    }
    state[0] = state[0] + a | 0;
    state[1] = state[1] + b | 0;
    state[2] = state[2] + c | 0;
    state[3] = state[3] + d | 0;
    state[4] = state[4] + e | 0;
    state[5] = state[5] + f | 0;
    state[6] = state[6] + g | 0;
    state[7] = state[7] + h | 0;
  }

  /** Absorbs bytes (already padded to a multiple of 64) into state, from offset 0. */
  function absorb256(state, bytes, w) {
    for (var off = 0; off < bytes.length; off += 64) {
      for (var i = 0; i < 16; i++) {
        var j = off + i * 4;
        w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      compress256(state, w);
    }
  }

  /** Merkle–Damgård padding for a message of `length` bytes that follows `prefixBytes` already absorbed. */
  function padded(bytes, prefixBytes) {
    var total = prefixBytes + bytes.length;
    var size = (bytes.length + 9 + 63) & ~63;
    var out = new Uint8Array(size);
    out.set(bytes);
    out[bytes.length] = 0x80;
    var bits = total * 8;
    var hi = Math.floor(bits / 0x100000000);
    var lo = bits >>> 0;
    out[size - 8] = hi >>> 24;
    out[size - 7] = hi >>> 16;
    out[size - 6] = hi >>> 8;
    out[size - 5] = hi;
    out[size - 4] = lo >>> 24;
    out[size - 3] = lo >>> 16;
    out[size - 2] = lo >>> 8;
    out[size - 1] = lo;
    return out;
  }

  function stateBytes(state) {
    var out = new Uint8Array(32);
    for (var i = 0; i < 8; i++) {
      out[i * 4] = state[i] >>> 24;
      out[i * 4 + 1] = state[i] >>> 16;
      out[i * 4 + 2] = state[i] >>> 8;
      out[i * 4 + 3] = state[i];
    }
    return out;
  }

  function sha256Pure(bytes) {
    var state = new Int32Array(IV256);
    absorb256(state, padded(bytes, 0), new Int32Array(64));
    return stateBytes(state);
  }

  // ------------------------------------------------------------------ HMAC-SHA256 (RFC 2104)

  /** The states after absorbing key^ipad and key^opad: what every HMAC under one key starts from. */
  function hmacStates(key) {
    var k = key.length > 64 ? sha256Pure(key) : key;
    var ipad = new Uint8Array(64);
    var opad = new Uint8Array(64);
    for (var i = 0; i < 64; i++) {
      var b = i < k.length ? k[i] : 0;
      ipad[i] = b ^ 0x36;
      opad[i] = b ^ 0x5c;
    }
    var w = new Int32Array(64);
    var inner = new Int32Array(IV256);
    var outer = new Int32Array(IV256);
    absorb256(inner, ipad, w);
    absorb256(outer, opad, w);
    return { inner: inner, outer: outer };
  }

  function hmacPure(key, message) {
    var s = hmacStates(key);
    var w = new Int32Array(64);
    var inner = new Int32Array(s.inner);
    absorb256(inner, padded(message, 64), w);
    var outer = new Int32Array(s.outer);
    absorb256(outer, padded(stateBytes(inner), 64), w);
    return stateBytes(outer);
  }

  // ------------------------------------------------------------------ PBKDF2-HMAC-SHA256 (RFC 8018)

  /**
   * PBKDF2 with the HMAC states computed once and every iteration done on words: two
   * compressions per iteration, no allocation in the loop.
   */
  function pbkdf2Pure(password, salt, iterations, length) {
    var s = hmacStates(password);
    var w = new Int32Array(64);
    var blocks = Math.ceil(length / 32);
    var out = new Uint8Array(blocks * 32);
    var u = new Int32Array(8);
    var acc = new Int32Array(8);
    var st = new Int32Array(8);
    for (var block = 1; block <= blocks; block++) {
      // U1 = HMAC(P, salt | INT(block))
      var first = concat(salt, new Uint8Array([block >>> 24, block >>> 16, block >>> 8, block]));
      var inner = new Int32Array(s.inner);
      absorb256(inner, padded(first, 64), w);
      var outer = new Int32Array(s.outer);
      absorb256(outer, padded(stateBytes(inner), 64), w);
      u.set(outer);
      acc.set(outer);
      for (var it = 1; it < iterations; it++) {
        // inner: 32 bytes of U, then padding for 64 + 32 bytes (768 bits)
        st.set(s.inner);
        w[0] = u[0]; w[1] = u[1]; w[2] = u[2]; w[3] = u[3];
        w[4] = u[4]; w[5] = u[5]; w[6] = u[6]; w[7] = u[7];
        w[8] = 0x80000000 | 0; w[9] = 0; w[10] = 0; w[11] = 0; w[12] = 0; w[13] = 0; w[14] = 0; w[15] = 768;
        compress256(st, w);
        w[0] = st[0]; w[1] = st[1]; w[2] = st[2]; w[3] = st[3];
        w[4] = st[4]; w[5] = st[5]; w[6] = st[6]; w[7] = st[7];
        w[8] = 0x80000000 | 0; w[9] = 0; w[10] = 0; w[11] = 0; w[12] = 0; w[13] = 0; w[14] = 0; w[15] = 768;
        st.set(s.outer);
        compress256(st, w);
        for (var i = 0; i < 8; i++) {
          u[i] = st[i];
          acc[i] ^= st[i];
        }
      }
      out.set(stateBytes(acc), (block - 1) * 32);
    }
    return out.slice(0, length);
  }

  // ------------------------------------------------------------------ SHA-1 (RFC 5054 known answers only)

  function sha1Pure(bytes) {
    var m = padded(bytes, 0);
    var h = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
    var w = new Int32Array(80);
    for (var off = 0; off < m.length; off += 64) {
      var i, t;
      for (i = 0; i < 16; i++) {
        var j = off + i * 4;
        w[i] = (m[j] << 24) | (m[j + 1] << 16) | (m[j + 2] << 8) | m[j + 3];
      }
      for (i = 16; i < 80; i++) {
        t = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
        w[i] = (t << 1) | (t >>> 31);
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (i = 0; i < 80; i++) {
        var f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
        else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
        t = ((a << 5) | (a >>> 27)) + f + e + k + w[i] | 0;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = t;
      }
      h[0] = h[0] + a | 0;
      h[1] = h[1] + b | 0;
      h[2] = h[2] + c | 0;
      h[3] = h[3] + d | 0;
      h[4] = h[4] + e | 0;
    }
    var out = new Uint8Array(20);
    for (var q = 0; q < 5; q++) {
      out[q * 4] = h[q] >>> 24;
      out[q * 4 + 1] = h[q] >>> 16;
      out[q * 4 + 2] = h[q] >>> 8;
      out[q * 4 + 3] = h[q];
    }
    return out;
  }

  // ------------------------------------------------------------------ the two paths

  var subtle = global.crypto && global.crypto.subtle ? global.crypto.subtle : null;

  function digest(name, pure) {
    return function (bytes) {
      if (!subtle) {
        return Promise.resolve(pure(bytes));
      }
      return subtle.digest(name, bytes).then(function (d) {
        return new Uint8Array(d);
      });
    };
  }

  function hmacSha256(key, message) {
    if (!subtle || key.length === 0) {
      return Promise.resolve(hmacPure(key, message));
    }
    return subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then(function (k) {
        return subtle.sign('HMAC', k, message);
      })
      .then(function (m) {
        return new Uint8Array(m);
      });
  }

  function pbkdf2Sha256(password, salt, iterations, length) {
    if (!(iterations >= 1) || !(length >= 1)) {
      return Promise.reject(new Error('PBKDF2 needs at least one iteration and one byte'));
    }
    if (!subtle || password.length === 0) {
      return Promise.resolve(pbkdf2Pure(password, salt, iterations, length));
    }
    return subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits'])
      .then(function (k) {
        return subtle.deriveBits({ name: 'PBKDF2', salt: salt, iterations: iterations, hash: 'SHA-256' }, k,
          length * 8);
      })
      .then(function (bits) {
        return new Uint8Array(bits);
      });
  }

  global.ClassChainCrypto = Object.freeze({
    /** 'webcrypto' when crypto.subtle was there when this file loaded, else 'fallback'. */
    mode: subtle ? 'webcrypto' : 'fallback',
    sha256: digest('SHA-256', sha256Pure),
    sha1: digest('SHA-1', sha1Pure),
    hmacSha256: hmacSha256,
    pbkdf2Sha256: pbkdf2Sha256,
    /** The pure-JS implementations, whichever path is active (for the known-answer tests). */
    pure: Object.freeze({ sha256: sha256Pure, sha1: sha1Pure, hmacSha256: hmacPure, pbkdf2Sha256: pbkdf2Pure }),
    utf8: utf8,
    hex: hex,
    fromHex: fromHex,
    concat: concat,
    randomBytes: randomBytes,
    equalBytes: equalBytes
  });
}(window));
