/*
 * ClassChain console: the page's behaviour. Talks only to the peer that served it (/api/v1),
 * signs in with ClassChainSrp, sends MAC'd batches one at a time, and follows the peer's
 * server-sent events (/api/v1/events) for blocks and receipts.
 */
(function () {
  'use strict';

  var Srp = window.ClassChainSrp;
  var Crypto = window.ClassChainCrypto;
  var API = '/api/v1';
  var ROOM_PERIOD = 10000;
  /** While this page's peer does not answer, and for a while after it answers again: room refreshes this often. */
  var RECOVERY_PERIOD = 2000;
  var RECOVERY_LENGTH = 20000;
  var SEATS_KEY = 'classchain.seats';
  var POLL_PERIOD = 5000;
  var BLOCK_PAGE = 20;
  var SESSION_IDLE = 30 * 60000;
  var VIEW_LIFETIME = 20 * 60000;
  var VIEW_RENEW_BELOW = 10 * 60000;
  var STATUS_TEXT = {
    EXECUTED: 'executed', REFUSED: 'refused', FAILED: 'failed', EXPIRED: 'expired',
    UNKNOWN_MODULE: 'unknown module', UNAVAILABLE: 'not possible here', PENDING: 'waiting', NO_RECEIPT: 'no receipt',
    OFFLINE: 'offline'
  };

  var state = {
    self: null,
    room: [],
    selected: new Set(),
    modules: [],
    client: null,
    role: null,
    sendChain: Promise.resolve(),
    commands: new Map(),
    thumbs: new Map(),
    lastThumbRequest: 0,
    roomTimer: null,
    thumbInFlight: false,
    orphans: new Map(),
    lowestLoaded: null,
    liveWasDown: false,
    accounts: [],
    events: null,
    view: null,
    viewRefused: false,
    hostSkew: 0,
    peerDown: null,
    fastUntil: 0,
    blocks: new Map()
  };

  // ------------------------------------------------------------------ helpers

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') {
          e.textContent = attrs[k];
        } else if (k === 'className') {
          e.className = attrs[k];
        } else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) {
          e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
        }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) {
        e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
      }
    });
    return e;
  }

  function short(id) {
    return id ? String(id).slice(0, 8) : '?';
  }

  function time(ms) {
    return ms ? new Date(ms).toLocaleTimeString() : '';
  }

  function dateTime(ms) {
    return ms ? new Date(ms).toLocaleString() : '';
  }

  function ago(ms) {
    if (!ms) {
      return 'never';
    }
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 60) {
      return s + ' s ago';
    }
    if (s < 3600) {
      return Math.round(s / 60) + ' min ago';
    }
    return time(ms);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  /** An answer other than 2xx: the HTTP status, the peer's message and when to retry. */
  function ApiError(status, message, retryAfter) {
    this.status = status;
    this.message = message;
    this.retryAfter = retryAfter;
  }

  function api(method, path, body) {
    var init = { method: method, cache: 'no-store', headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        peerAnswered();
        if (!r.ok) {
          var retry = Number(r.headers.get('Retry-After')) || (data && data.retryAfterSeconds) || 0;
          throw new ApiError(r.status, (data && data.error) || r.statusText || 'request failed', retry);
        }
        return data;
      });
    }, function () {
      peerSilent();
      throw new ApiError(0, 'this peer cannot be reached', 0);
    });
  }

  /**
   * This page's peer did not answer: what the room shows is no longer known (a student's card
   * must not say it answers when nobody can tell), and the page says so once, in one place.
   */
  function peerSilent() {
    if (state.peerDown === null) {
      state.peerDown = Date.now();
      var box = $('connection');
      box.textContent = 'This peer cannot be reached since ' + time(state.peerDown) + '. The room below is '
        + 'as it was then; it fills in again once the peer answers.';
      show(box, true);
      renderRoom();
    }
  }

  /** This page's peer answered: the outage's message goes, and the room is read again soon and often. */
  function peerAnswered() {
    if (state.peerDown !== null) {
      state.peerDown = null;
      state.fastUntil = Date.now() + RECOVERY_LENGTH;
      show($('connection'), false);
      setTimeout(function () {
        refreshStatus();
        refreshRoom();
      }, 0);
    }
  }

  // ------------------------------------------------------------------ the serving peer

  function renderServedBy() {
    var s = state.self;
    var served = $('served-by');
    served.textContent = '';
    served.appendChild(document.createTextNode('Served by peer '));
    served.appendChild(el('strong', { text: short(s.nodeId), title: s.nodeId }));
    served.appendChild(document.createTextNode(' '));
    served.appendChild(el('span', { className: 'badge ' + s.role, text: s.role }));
    served.appendChild(document.createTextNode(' at ' + (s.address || location.host) + ' · chain '
      + short(s.chainId) + ' · height ' + s.height));
    show($('student-warning'), s.role === 'STUDENT');
  }

  function refreshStatus() {
    return api('GET', '/status').then(function (s) {
      state.self = s;
      renderServedBy();
      if (state.lowestLoaded === null) {
        loadBlocks(Math.max(0, s.height - BLOCK_PAGE + 1));
      }
      return s;
    }, function (e) {
      $('served-by').textContent = 'This peer does not answer: ' + e.message;
    });
  }

  /** A room refresh soon, once: after a block or a sign-in, heights and users have changed. */
  function refreshRoomSoon() {
    if (state.roomTimer) {
      return;
    }
    state.roomTimer = setTimeout(function () {
      state.roomTimer = null;
      refreshRoom();
    }, 2500);
  }

  // ------------------------------------------------------------------ sign-in

  function signInMessage(e) {
    if (e.status === 401) {
      return 'Wrong username or password.';
    }
    if (e.status === 429) {
      var wait = e.retryAfter || 60;
      var when = new Date(Date.now() + wait * 1000).toLocaleTimeString();
      return 'Too many failed attempts for this account or this computer. Try again in ' + wait
        + ' s (at ' + when + ').';
    }
    if (e.status === 503) {
      return 'The teacher\'s peer cannot be reached from this peer right now: ' + e.message;
    }
    if (e.status === 0) {
      return 'This peer cannot be reached.';
    }
    return 'Sign-in failed: ' + e.message + (e.status ? ' (' + e.status + ')' : '');
  }

  function signIn(ev) {
    ev.preventDefault();
    var username = $('username').value.trim();
    var password = $('password').value;
    $('password').value = '';
    var error = $('signin-error');
    show(error, false);
    var button = $('signin-button');
    button.disabled = true;
    var status = $('signin-status');
    status.textContent = 'Signing in…';
    var client;
    var challenge;
    Promise.resolve().then(function () {
      client = new Srp.Client(username);
      return api('POST', '/auth/start', { username: username, A: client.A });
    }).then(function (c) {
      challenge = c;
      status.textContent = 'Checking the password on this device (' + c.iterations.toLocaleString()
        + ' rounds)…';
      return client.respond(c, password);
    }).then(function (m1) {
      password = null;
      return api('POST', '/auth/finish', { username: username, session: challenge.session, M1: m1 });
    }).then(function (c) {
      if (!client.confirm(c.M2)) {
        throw new ApiError(-1, 'The peer could not prove that it holds this account: it may be an impostor. '
          + 'Do not use this page; sign in at your own peer.', 0);
      }
      state.client = client;
      state.role = c.role;
      state.sendChain = Promise.resolve();
      // the host's clock, for the view token's end: it said when the fresh session ends
      state.hostSkew = c.expiresAt ? c.expiresAt - SESSION_IDLE - Date.now() : 0;
      state.viewRefused = false;
      refreshView().then(function () {
        connectEvents();
        renderRoom();
        rebuildResults();
      });
      status.textContent = '';
      $('session-state').textContent = 'Signed in as ' + username + (c.role ? ' (' + c.role + ')' : '')
        + (c.role === 'TEACHER' ? '' : ': only the teacher\'s account can send commands');
      show($('session'), true);
      show($('signin-form'), false);
      updateControls();
      // the roster: this person is at the peer that served the page
      if (state.self) {
        enqueue(function () {
          return client.login(state.self.nodeId).then(function (body) {
            return api('POST', '/auth/login', body);
          });
        }).then(refreshRoomSoon, function () { /* the roster is a convenience */ });
      }
      state.lastThumbRequest = 0;
    }).catch(function (e) {
      password = null;
      status.textContent = '';
      error.textContent = e instanceof ApiError ? (e.status === -1 ? e.message : signInMessage(e))
        : 'Sign-in failed: ' + (e && e.message ? e.message : e);
      show(error, true);
      return true;
    }).then(function (failed) {
      button.disabled = false;
      if (failed === true) {
        // the button was disabled while it ran, which sent focus to the page: back to the form
        $('password').focus();
      }
    });
  }

  function signOut(reason) {
    if (state.client) {
      state.client.forget();
    }
    state.client = null;
    state.role = null;
    state.view = null;
    connectEvents();
    renderRoom();
    show($('session'), false);
    show($('signin-form'), true);
    if (reason) {
      var error = $('signin-error');
      error.textContent = reason;
      show(error, true);
    }
    updateControls();
  }

  // ------------------------------------------------------------------ the teacher's view token

  /**
   * Screens and receipt events are the signed-in teacher's: the peer serves them with a view
   * token, a MAC under the session key (docs/auth.md), when it holds the session itself.
   */
  function refreshView() {
    var client = state.client;
    if (!client || state.role !== 'TEACHER' || !state.self
        || String(client.session()).split('.')[0] !== state.self.nodeId) {
      state.view = null;
      return Promise.resolve();
    }
    var until = Date.now() + state.hostSkew + VIEW_LIFETIME;
    return client.view(state.self.nodeId, until).then(function (v) {
      if (state.client === client) {
        state.view = { query: 'session=' + encodeURIComponent(v.session) + '&until=' + v.until + '&mac=' + v.mac,
          until: until };
      }
    }, function () {
      state.view = null;
    });
  }

  /** Renews the view token before it ends; thumbnails then load with the new one. */
  function renewView() {
    if (state.view && state.view.until - (Date.now() + state.hostSkew) < VIEW_RENEW_BELOW) {
      refreshView().then(renderRoom);
    }
  }

  /** '?session=..&until=..&mac=..' when signed in as the teacher here, else ''. */
  function viewQuery() {
    return state.view ? '?' + state.view.query : '';
  }

  function canSend() {
    return state.client !== null && state.role === 'TEACHER';
  }

  /** Runs one MAC'd request after the previous one: one batch at a time per session. */
  function enqueue(task) {
    var p = state.sendChain.then(task);
    state.sendChain = p.catch(function () {});
    return p;
  }

  // ------------------------------------------------------------------ the room

  function refreshRoom() {
    return api('GET', '/room').then(function (r) {
      state.room = r.peers.filter(function (p) {
        return p.nodeId;
      }).sort(roomOrder);
      renderRoom();
      $('room-status').textContent = state.room.length + ' computer(s) known to this peer, '
        + state.room.filter(function (p) { return p.online; }).length + ' answering; updated ' + time(r.at) + '.';
    }, function (e) {
      $('room-status').textContent = 'The room could not be read: ' + e.message;
    });
  }

  /** Teachers' computers first, then by name (people signed in, else the seat, else the id). */
  function roomOrder(a, b) {
    var ra = a.role === 'TEACHER' ? 0 : 1;
    var rb = b.role === 'TEACHER' ? 0 : 1;
    return ra - rb || peerName(a).localeCompare(peerName(b), undefined, { numeric: true, sensitivity: 'base' })
      || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0);
  }

  /** Seat labels the teacher gave computers, kept in this browser: nodeId -> label. */
  function seats() {
    try {
      return JSON.parse(localStorage.getItem(SEATS_KEY) || '{}') || {};
    } catch (e) {
      return {};
    }
  }

  function seatOf(nodeId) {
    return seats()[nodeId] || '';
  }

  function setSeat(nodeId, label) {
    var all = seats();
    if (label) {
      all[nodeId] = label.slice(0, 40);
    } else {
      delete all[nodeId];
    }
    try {
      localStorage.setItem(SEATS_KEY, JSON.stringify(all));
    } catch (e) { /* private mode: the label lasts as long as the page */ }
  }

  function peerName(p) {
    if (p.users && p.users.length) {
      return p.users.join(', ');
    }
    var seat = seatOf(p.nodeId);
    return seat ? seat : 'computer ' + short(p.nodeId);
  }

  /** A computer's name by node id, for the results and the chain: its card's name when it is in the room. */
  function computerName(nodeId) {
    var p = state.room.find(function (x) { return x.nodeId === nodeId; });
    return p ? peerName(p) : seatOf(nodeId) || 'computer ' + short(nodeId);
  }

  /** Teachers' computers are never a target: commands go to students. */
  function selectable(p) {
    return p.role !== 'TEACHER' && !(state.self && p.nodeId === state.self.nodeId);
  }

  function matchesFilter(p) {
    var f = $('room-filter').value.trim().toLowerCase();
    if (!f) {
      return true;
    }
    var text = [p.nodeId, p.address, p.role || '', (p.users || []).join(' '), peerName(p), seatOf(p.nodeId)]
      .join(' ').toLowerCase();
    return text.indexOf(f) >= 0;
  }

  function renderRoom() {
    var list = $('room');
    var seen = new Set();
    state.room.forEach(function (p) {
      seen.add(p.nodeId);
      var card = list.querySelector('li[data-node-id="' + CSS.escape(p.nodeId) + '"]');
      if (!card) {
        card = buildCard(p);
      }
      if (list.children[seen.size - 1] !== card) {
        list.insertBefore(card, list.children[seen.size - 1] || null); // in the room's order
      }
      updateCard(card, p);
    });
    Array.prototype.slice.call(list.children).forEach(function (card) {
      if (!seen.has(card.getAttribute('data-node-id'))) {
        state.selected.delete(card.getAttribute('data-node-id'));
        card.remove();
      }
    });
    updateTargetSummary();
  }

  function buildCard(p) {
    var id = 'sel-' + p.nodeId;
    var box = el('input', { type: 'checkbox', id: id, className: 'select' });
    box.addEventListener('change', function () {
      if (box.checked) {
        state.selected.add(p.nodeId);
      } else {
        state.selected.delete(p.nodeId);
      }
      card.classList.toggle('selected', box.checked);
      updateTargetSummary();
    });
    var seat = el('input', { type: 'text', className: 'seat', placeholder: 'seat label', maxlength: '40',
      'aria-label': 'Seat label of computer ' + short(p.nodeId), spellcheck: 'false', value: seatOf(p.nodeId) });
    seat.addEventListener('change', function () {
      setSeat(p.nodeId, seat.value.trim());
      state.room.sort(roomOrder);
      renderRoom();
    });
    var card = el('li', { className: 'peer', 'data-node-id': p.nodeId }, [
      el('div', { className: 'head' }, [box, el('label', { for: id, className: 'name' })]),
      el('p', { className: 'meta badges' }),
      el('p', { className: 'meta info' }),
      seat,
      el('div', { className: 'screen' }, [el('span', { className: 'screen-note', text: 'no screen yet' })])
    ]);
    return card;
  }

  function updateCard(card, p) {
    var name = peerName(p);
    card.querySelector('.name').textContent = name;
    card.querySelector('.name').title = p.nodeId + ' at ' + p.address;
    var badges = card.querySelector('.badges');
    badges.textContent = '';
    if (p.role) {
      badges.appendChild(el('span', { className: 'badge ' + p.role, text: p.role }));
      badges.appendChild(document.createTextNode(' '));
    }
    var me = state.self && p.nodeId === state.self.nodeId;
    // while this page's peer is silent nobody can say who answers; the page's own peer is down
    var down = state.peerDown !== null;
    var status = down ? (me ? 'offline' : 'unknown') : p.online ? 'online' : 'offline';
    badges.appendChild(el('span', { className: 'badge ' + status, text: status }));
    if (me) {
      badges.appendChild(document.createTextNode(' this peer'));
    }
    card.querySelector('.info').textContent = (p.height !== null && p.height !== undefined ? 'height ' + p.height
      + ' · ' : '') + (down ? (me ? 'does not answer since ' + time(state.peerDown)
        : 'not known while this peer does not answer') : p.online ? 'answering now' : 'last seen ' + ago(p.lastSeen))
      + ' · ' + short(p.nodeId);
    card.classList.toggle('offline', down || !p.online);
    card.hidden = !matchesFilter(p);
    var seat = card.querySelector('input.seat');
    seat.hidden = (p.users && p.users.length > 0) || !selectable(p);
    if (document.activeElement !== seat) {
      seat.value = seatOf(p.nodeId);
    }
    var box = card.querySelector('input.select');
    box.disabled = !selectable(p);
    box.title = selectable(p) ? '' : 'A teacher\'s computer: commands go to students';
    if (!selectable(p)) {
      state.selected.delete(p.nodeId);
    }
    box.checked = state.selected.has(p.nodeId);
    card.classList.toggle('selected', box.checked);
    renderThumb(card, p);
  }

  function renderThumb(card, p) {
    var t = state.thumbs.get(p.nodeId);
    var screen = card.querySelector('.screen');
    var img = screen.querySelector('img');
    var note = screen.querySelector('.screen-note');
    if (t && t.src && state.view) {
      if (!img) {
        img = el('img', { className: 'thumb' });
        screen.appendChild(img);
      }
      var src = t.src + viewQuery();
      if (img.getAttribute('src') !== src) {
        img.setAttribute('src', src);
      }
      img.alt = 'Screen of ' + peerName(p) + ' at ' + time(t.at);
      img.title = 'at ' + time(t.at);
      if (note) {
        note.remove();
      }
    } else {
      if (img) {
        img.remove();
      }
      if (!note) {
        note = el('span', { className: 'screen-note' });
        screen.appendChild(note);
      }
      note.textContent = t && t.src ? 'sign in as the teacher to see screens'
        : t && t.note ? t.note : 'no screen yet';
    }
  }

  function refreshCard(nodeId) {
    var card = $('room').querySelector('li[data-node-id="' + CSS.escape(nodeId) + '"]');
    var p = state.room.find(function (x) { return x.nodeId === nodeId; });
    if (card && p) {
      renderThumb(card, p);
    }
  }

  function selectAll(on) {
    state.room.forEach(function (p) {
      if (!on) {
        state.selected.delete(p.nodeId);
      } else if (matchesFilter(p) && selectable(p)) {
        state.selected.add(p.nodeId);
      }
    });
    renderRoom();
  }

  // ------------------------------------------------------------------ targets

  function targetMode() {
    var checked = document.querySelector('input[name="target"]:checked');
    return checked ? checked.value : 'all';
  }

  function selectedPeers() {
    return state.room.filter(function (p) {
      return state.selected.has(p.nodeId);
    });
  }

  /** The target of the next command: {target, expected: [nodeId], text}, or {error}. */
  function currentTarget() {
    var mode = targetMode();
    if (mode === 'all') {
      var students = state.room.filter(function (p) { return p.role === 'STUDENT'; });
      var away = students.filter(function (p) { return !p.online; }).length;
      return { target: { kind: 'ALL', values: [] }, expected: students.map(function (p) { return p.nodeId; }),
        text: 'every student (' + students.length + ' known' + (away ? ', ' + away + ' offline' : '') + ')' };
    }
    var peers = selectedPeers();
    if (peers.length === 0) {
      return { error: 'Select computers in the room first.' };
    }
    if (mode === 'peers') {
      return { target: { kind: 'PEERS', values: peers.map(function (p) { return p.nodeId; }) },
        expected: peers.map(function (p) { return p.nodeId; }),
        text: peers.length + ' selected computer(s): ' + peers.map(peerName).join('; ') };
    }
    var users = new Set();
    peers.forEach(function (p) {
      (p.users || []).forEach(function (u) { users.add(u); });
    });
    if (users.size === 0) {
      return { error: 'Nobody is signed in at the selected computers.' };
    }
    var names = Array.from(users);
    var at = state.room.filter(function (p) {
      return (p.users || []).some(function (u) { return users.has(u); });
    });
    return { target: { kind: 'USERS', values: names }, expected: at.map(function (p) { return p.nodeId; }),
      text: 'the people ' + names.join(', ') + ', wherever they are signed in' };
  }

  function updateTargetSummary() {
    var t = currentTarget();
    $('target-summary').textContent = t.error ? t.error : 'Commands go to ' + t.text + '.';
  }

  // ------------------------------------------------------------------ modules and sending

  function loadModules() {
    return api('GET', '/modules').then(function (r) {
      state.modules = r.modules;
      var bar = $('modules');
      var forms = $('module-forms');
      bar.textContent = '';
      forms.textContent = '';
      r.modules.forEach(function (m) {
        var form = buildModuleForm(m);
        var button = el('button', { type: 'button', id: 'module-' + m.name, 'aria-expanded': 'false',
          'aria-controls': form.id, title: m.description || m.name, className: 'secondary', text: m.name });
        button.addEventListener('click', function () {
          var open = button.getAttribute('aria-expanded') !== 'true';
          Array.prototype.forEach.call(bar.children, function (b) { b.setAttribute('aria-expanded', 'false'); });
          Array.prototype.forEach.call(forms.children, function (f) { f.hidden = true; });
          button.setAttribute('aria-expanded', open ? 'true' : 'false');
          form.hidden = !open;
          if (open) {
            var first = form.querySelector('input, textarea, select, button');
            if (first) {
              first.focus();
            }
          }
        });
        bar.appendChild(button);
        forms.appendChild(form);
      });
      updateControls();
    }, function (e) {
      $('modules').textContent = 'The modules could not be read: ' + e.message;
    });
  }

  function buildModuleForm(m) {
    var form = el('form', { id: 'form-' + m.name, className: 'module-form', hidden: true, novalidate: true });
    form.appendChild(el('h3', { text: m.name }));
    if (m.description) {
      form.appendChild(el('p', { className: 'desc', text: m.description }));
    }
    if (!m.allowed) {
      form.appendChild(el('p', { className: 'desc', text: 'This peer\'s own policy refuses this module; '
        + 'other computers decide for themselves.' }));
    }
    m.arguments.forEach(function (a) {
      var id = 'arg-' + m.name + '-' + a.name;
      var input;
      var placeholder = a.default !== null && a.default !== undefined ? 'default: ' + a.default : '';
      if (a.type === 'BOOLEAN') {
        input = el('select', { id: id, name: a.name }, [
          el('option', { value: '', text: placeholder ? '(' + placeholder + ')' : '(not given)' }),
          el('option', { value: 'true', text: 'true' }),
          el('option', { value: 'false', text: 'false' })]);
      } else if (a.type === 'BASE64' || (a.type === 'STRING' && /text|message|body/.test(a.name))) {
        input = el('textarea', { id: id, name: a.name, placeholder: placeholder, rows: 2 });
      } else {
        input = el('input', { id: id, name: a.name, placeholder: placeholder,
          type: a.type === 'INTEGER' ? 'number' : a.type === 'URL' ? 'url' : 'text',
          inputmode: a.type === 'INTEGER' ? 'numeric' : null, spellcheck: 'false' });
      }
      if (a.required) {
        input.required = true;
      }
      var descId = id + '-desc';
      input.setAttribute('aria-describedby', descId);
      form.appendChild(el('div', { className: 'field' }, [
        el('label', { for: id, text: a.name + (a.required ? ' (required)' : '') }),
        input,
        el('span', { id: descId, className: 'desc', text: a.type.toLowerCase() + (a.description ? ': '
          + a.description : '') })]));
    });
    var send = el('button', { type: 'submit', id: 'send-' + m.name, text: 'Send ' + m.name, className: 'send' });
    form.appendChild(el('div', { className: 'actions' }, [send]));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      submitModule(m, form);
    });
    return form;
  }

  function argumentProblem(a, v) {
    if (a.type === 'INTEGER' && !/^\s*[-+]?\d+\s*$/.test(v)) {
      return a.name + ' must be a whole number';
    }
    if (a.type === 'BOOLEAN' && v !== 'true' && v !== 'false') {
      return a.name + ' must be true or false';
    }
    if (a.type === 'URL' && !/^https?:\/\/[^\s/]+/i.test(v)) {
      return a.name + ' must be an http or https URL';
    }
    if (a.type === 'SHA256' && !/^[0-9a-fA-F]{64}$/.test(v)) {
      return a.name + ' must be 64 hex digits';
    }
    return null;
  }

  function submitModule(m, form) {
    var errorBox = $('send-error');
    show(errorBox, false);
    var args = {};
    var problems = [];
    m.arguments.forEach(function (a) {
      var input = form.querySelector('[name="' + CSS.escape(a.name) + '"]');
      var v = input ? input.value : '';
      if (v === '') {
        if (a.required) {
          problems.push(a.name + ' is required');
        }
        return;
      }
      var p = argumentProblem(a, v);
      if (p) {
        problems.push(p);
      }
      args[a.name] = v;
    });
    var t = currentTarget();
    if (t.error) {
      problems.push(t.error);
    }
    if (problems.length) {
      errorBox.textContent = problems.join('; ') + '.';
      show(errorBox, true);
      return;
    }
    var button = form.querySelector('button.send');
    button.disabled = true;
    send(m.name, args, t, true).then(function () {
      form.reset(); // sent: a second click must not send it again
    }, function (e) {
      errorBox.textContent = sendMessage(e);
      show(errorBox, true);
    }).then(function () {
      button.disabled = !canSend();
    });
  }

  function sendMessage(e) {
    if (e instanceof ApiError) {
      if (e.status === 401) {
        signOut('Your session has ended (idle for 30 minutes, or the teacher\'s peer restarted): sign in again.');
        return 'Not sent: sign in again.';
      }
      if (e.status === 403) {
        return 'Not sent: this account may not send commands (' + e.message + ').';
      }
      if (e.status === 429) {
        return 'Not sent: too many requests; try again in ' + (e.retryAfter || 1) + ' s.';
      }
      return 'Not sent: ' + e.message + (e.status ? ' (' + e.status + ')' : '');
    }
    return 'Not sent: ' + (e && e.message ? e.message : e);
  }

  /** Sends one command; resolves with its id once the peer accepted the batch (202). */
  function send(module, args, t, visible) {
    if (!canSend()) {
      return Promise.reject(new Error('sign in with the teacher\'s account first'));
    }
    var command = {
      args: args, id: Srp.uuid(), module: module,
      notAfter: Date.now() + Number($('ttl').value), target: t.target
    };
    var client = state.client;
    return enqueue(function () {
      return client.batch([command], []).then(function (body) {
        return api('POST', '/commands', body);
      });
    }).then(function () {
      track(command, t, visible);
      return command.id;
    });
  }

  // ------------------------------------------------------------------ names (accounts)

  function refreshAccounts() {
    return api('GET', '/accounts').then(function (r) {
      state.accounts = r.accounts;
      var list = $('accounts');
      var names = $('account-names');
      list.textContent = '';
      names.textContent = '';
      r.accounts.forEach(function (a) {
        list.appendChild(el('li', { 'data-username': a.username, 'data-retired': String(a.retired),
          text: a.username + ' · ' + (a.retired ? 'freed' : a.role + ', on ' + a.hostKeys.length + ' computer(s)') }));
        if (!a.retired && a.role === 'STUDENT') {
          names.appendChild(el('option', { value: a.username }));
        }
      });
    }, function () { /* shown again at the next refresh */ });
  }

  /** Frees a student's name, or renames it: one MAC'd batch of account records, as 'classchain accounts' sends. */
  function changeAccount(rename) {
    var name = $('account-name').value.trim();
    var to = $('account-new-name').value.trim();
    var error = $('account-error');
    show(error, false);
    var account = state.accounts.find(function (a) {
      return a.username === name && !a.retired && a.role === 'STUDENT';
    });
    if (!canSend() || !account || (rename && !/^[A-Za-z0-9._-]{1,64}$/.test(to))) {
      error.textContent = !canSend() ? 'Sign in with the teacher\'s account first.'
        : !account ? 'No student account named \'' + name + '\'.' : 'A new name is 1-64 letters, digits, ., _ or -.';
      show(error, true);
      return;
    }
    var records = [{ hostKeys: [], role: 'STUDENT', username: name }];
    if (rename) {
      records.push({ hostKeys: account.hostKeys, role: 'STUDENT', username: to });
    }
    var client = state.client;
    $('account-status').textContent = rename ? 'Renaming ' + name + ' to ' + to + '…' : 'Freeing ' + name + '…';
    enqueue(function () {
      return client.batch([], records).then(function (body) {
        return api('POST', '/commands', body);
      });
    }).then(function () {
      $('account-status').textContent = rename ? name + ' is renamed ' + to + ' once the next block is mined.'
        : name + ' is freed once the next block is mined.';
      setTimeout(refreshAccounts, 1500);
    }, function (e) {
      $('account-status').textContent = '';
      error.textContent = sendMessage(e);
      show(error, true);
    });
  }

  // ------------------------------------------------------------------ results

  function track(command, t, visible) {
    var entry = { command: command, visible: visible, rows: new Map(), pending: new Set(), box: null, body: null };
    state.commands.set(command.id, entry);
    if (visible) {
      var args = Object.keys(command.args).map(function (k) {
        var v = command.args[k];
        return k + '=' + (v.length > 40 ? v.slice(0, 40) + '…' : v);
      }).join(', ');
      entry.body = el('tbody');
      entry.box = el('article', { className: 'result', 'data-command-id': command.id }, [
        el('h3', { text: command.module + (args ? ' (' + args + ')' : '') }),
        el('p', { className: 'sub', text: 'to ' + t.text + ' · sent ' + time(t.sentAt || Date.now()) + ' · expires '
          + time(command.notAfter) + ' · ' + command.id }),
        el('div', { className: 'table-wrap' }, [el('table', {}, [
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Computer' }),
            el('th', { scope: 'col', text: 'Status' }), el('th', { scope: 'col', text: 'Detail' }),
            el('th', { scope: 'col', text: 'At' })])]),
          entry.body])])]);
      var results = $('results');
      results.insertBefore(entry.box, results.firstChild);
    }
    t.expected.forEach(function (id) {
      // an offline student keeps its row: the command waits on the chain for it until it expires
      setRow(entry, id, isOffline(id) ? { status: 'OFFLINE', detail: 'offline — will run when it returns', at: null }
        : { status: 'PENDING', detail: '', at: null });
      entry.pending.add(id);
    });
    // receipts that came in before the peer's 202 did
    (state.orphans.get(command.id) || []).forEach(onReceipt);
    state.orphans.delete(command.id);
  }

  /** Who a command on the chain was expected to reach, as {@link #currentTarget} says it for a new one. */
  function expectedOf(target) {
    if (target.kind === 'PEERS') {
      return target.values.slice();
    }
    if (target.kind === 'USERS') {
      return state.room.filter(function (p) {
        return (p.users || []).some(function (u) { return target.values.indexOf(u) >= 0; });
      }).map(function (p) { return p.nodeId; });
    }
    return state.room.filter(function (p) { return p.role === 'STUDENT'; }).map(function (p) { return p.nodeId; });
  }

  /**
   * After a reload (and a sign-in), the results of the commands in the loaded blocks, rebuilt from
   * the receipts the teacher's peer keeps; screenshots only give back the thumbnails.
   */
  function rebuildResults() {
    if (!canSend() || !state.view) {
      return;
    }
    var found = [];
    state.blocks.forEach(function (b) {
      (b.commands || []).forEach(function (c) {
        if (!state.commands.has(c.id)) {
          found.push({ block: b, command: c });
        }
      });
    });
    found.sort(function (x, y) { return x.block.height - y.block.height; });
    found.forEach(function (f) {
      var c = f.command;
      var command = { id: c.id, module: c.module, args: c.args || {}, target: c.target, notAfter: c.notAfter };
      track(command, { target: c.target, expected: expectedOf(c.target), text: describeTarget(c.target),
        sentAt: f.block.time }, c.module !== 'screenshot');
      api('GET', '/commands/' + encodeURIComponent(c.id) + viewQuery()).then(function (report) {
        (report.receipts || []).forEach(onReceipt);
      }, function () { /* polled again while it waits */ });
    });
  }

  function setRow(entry, peerId, r) {
    if (!entry.visible) {
      return;
    }
    var row = entry.rows.get(peerId);
    if (!row) {
      row = el('tr', { className: 'result-row', 'data-peer-id': peerId }, [el('td'), el('td'),
        el('td'), el('td', { className: 'at' })]);
      entry.rows.set(peerId, row);
      entry.body.appendChild(row);
    }
    row.setAttribute('data-status', r.status);
    row.children[0].textContent = computerName(peerId);
    row.children[0].title = peerId;
    row.children[1].textContent = '';
    row.children[1].appendChild(el('span', { className: 'st ' + r.status, text: STATUS_TEXT[r.status] || r.status }));
    row.children[2].textContent = r.detail || '';
    row.children[3].textContent = r.at ? time(r.at) : '';
  }

  function onReceipt(r) {
    var entry = state.commands.get(r.commandId);
    if (entry) {
      entry.pending.delete(r.peerId);
      setRow(entry, r.peerId, r);
    } else if (state.client) {
      var early = state.orphans.get(r.commandId) || [];
      early.push(r);
      state.orphans.set(r.commandId, early);
      if (state.orphans.size > 200) {
        state.orphans.delete(state.orphans.keys().next().value);
      }
    }
    if (r.attachment && /^image\//.test(r.attachment.contentType || '')) {
      var t = state.thumbs.get(r.peerId);
      if (!t || !t.at || t.at <= r.at) {
        state.thumbs.set(r.peerId, {
          src: API + '/commands/' + encodeURIComponent(r.commandId) + '/attachments/'
            + encodeURIComponent(r.peerId), at: r.at
        });
        refreshCard(r.peerId);
      }
    } else if (entry && entry.command.module === 'screenshot') {
      var old = state.thumbs.get(r.peerId);
      if (!old || !old.src) {
        state.thumbs.set(r.peerId, { note: 'no screen: ' + (STATUS_TEXT[r.status] || r.status)
          + (r.detail ? ' (' + r.detail + ')' : ''), at: r.at });
        refreshCard(r.peerId);
      }
    }
  }

  /** Whether the room says the computer with this node id does not answer now. */
  function isOffline(nodeId) {
    return state.room.some(function (p) { return p.nodeId === nodeId && !p.online; });
  }

  /** The fallback for lost events: asks the peer for each command still waiting on receipts. */
  function pollPending() {
    var now = Date.now();
    var waiting = [];
    state.commands.forEach(function (entry) {
      if (entry.pending.size > 0 && now < entry.command.notAfter + 60000) {
        waiting.push(entry);
      } else if (entry.pending.size > 0 && !entry.closed) {
        entry.closed = true;
        entry.pending.forEach(function (id) {
          var row = entry.rows.get(id);
          setRow(entry, id, row && row.getAttribute('data-status') === 'OFFLINE'
            ? { status: 'EXPIRED', detail: 'offline until the command expired', at: null }
            : { status: 'NO_RECEIPT', detail: 'none arrived before the command expired '
            + '(computer off, or not targeted after all)', at: null });
        });
      }
    });
    waiting.slice(-10).forEach(function (entry) {
      api('GET', '/commands/' + entry.command.id + viewQuery()).then(function (report) {
        (report.receipts || []).forEach(function (r) {
          if (entry.pending.has(r.peerId) || !entry.rows.has(r.peerId)) {
            onReceipt(r);
          }
        });
      }, function () {});
    });
  }

  // ------------------------------------------------------------------ thumbnails

  function hasModule(name) {
    return state.modules.some(function (m) { return m.name === name; });
  }

  function requestThumbs() {
    if (!canSend() || !hasModule('screenshot') || state.thumbInFlight) {
      return;
    }
    state.thumbInFlight = true;
    state.lastThumbRequest = Date.now();
    var students = state.room.filter(function (p) { return p.role === 'STUDENT'; });
    send('screenshot', {}, { target: { kind: 'ALL', values: [] },
      expected: students.map(function (p) { return p.nodeId; }), text: 'every student' }, false)
      .catch(function (e) {
        $('room-status').textContent = 'Screens not refreshed: ' + sendMessage(e);
      }).then(function () {
        state.thumbInFlight = false;
      });
  }

  function thumbTick() {
    var seconds = Number($('thumb-interval').value);
    if (!(seconds > 0) || document.visibilityState !== 'visible') {
      return;
    }
    if (Date.now() - state.lastThumbRequest >= Math.max(5, seconds) * 1000) {
      requestThumbs();
    }
  }

  // ------------------------------------------------------------------ the chain

  function base64Bytes(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out;
  }

  /** A block's bytes as BlockCodec writes them: the 96-byte header, then the canonical payload. */
  function decodeBlock(wire) {
    var bytes = base64Bytes(wire.data);
    var v = new DataView(bytes.buffer, bytes.byteOffset, 96);
    var header = {
      version: v.getUint32(0),
      height: Number(v.getBigUint64(4)),
      previousHash: Crypto.hex(bytes.subarray(12, 44)),
      timestampMillis: Number(v.getBigUint64(44)),
      payloadHash: Crypto.hex(bytes.subarray(52, 84)),
      difficultyBits: v.getUint32(84),
      nonce: v.getBigUint64(88).toString()
    };
    var payloadBytes = bytes.subarray(96);
    var payload = JSON.parse(new TextDecoder().decode(payloadBytes));
    return { hash: wire.hash, header: header, headerBytes: bytes.subarray(0, 96), payloadBytes: payloadBytes,
      payload: payload };
  }

  function blockSummary(b) {
    return {
      height: b.header.height, hash: b.hash, time: b.header.timestampMillis, commands: b.payload.commands,
      accounts: b.payload.accounts || [],
      grant: b.payload.grant || null, genesis: !!b.payload.genesis, teacher: b.payload.genesis
        ? b.payload.genesis.teacher.username : null
    };
  }

  function loadBlocks(from) {
    return api('GET', '/blocks?from=' + from + '&limit=' + BLOCK_PAGE).then(function (r) {
      r.blocks.forEach(function (w) {
        try {
          addBlockRow(blockSummary(decodeBlock(w)), false);
        } catch (e) {
          addBlockRow({ height: w.height, hash: w.hash, time: w.timestamp, commands: [], grant: null,
            unreadable: true }, false);
        }
      });
      state.lowestLoaded = state.lowestLoaded === null ? from : Math.min(state.lowestLoaded, from);
      show($('older-blocks'), state.lowestLoaded > 0);
      rebuildResults();
    }, function () {});
  }

  function describeTarget(t) {
    if (!t || t.kind === 'ALL') {
      return 'every student';
    }
    var values = t.values.map(function (v) { return t.kind === 'PEERS' ? computerName(v) : v; });
    return (t.kind === 'PEERS' ? 'computers ' : t.kind === 'USERS' ? 'people ' : 'role ') + values.join(', ');
  }

  /** What a block's account records do, in words. */
  function describeAccounts(accounts) {
    var freed = (accounts || []).filter(function (a) { return !a.hostKeys || a.hostKeys.length === 0; });
    return (accounts || []).map(function (a) {
      if (!a.hostKeys || a.hostKeys.length === 0) {
        return 'name ' + a.username + ' freed';
      }
      var renamed = freed.find(function (f) { return f.username !== a.username; });
      if (a.role === 'TEACHER') {
        return 'teacher account ' + a.username + ' on ' + a.hostKeys.length + ' computer(s)';
      }
      return renamed ? renamed.username + ' renamed ' + a.username : 'name ' + a.username + ' registered';
    }).join('; ');
  }

  function addBlockRow(b, fresh) {
    state.blocks.set(b.hash, b);
    if (state.blocks.size > 500) {
      state.blocks.delete(state.blocks.keys().next().value);
    }
    var body = $('blocks');
    var existing = body.querySelector('tr[data-height="' + b.height + '"]');
    if (existing && existing.getAttribute('data-hash') === b.hash) {
      return;
    }
    var open = el('button', { type: 'button', className: 'link', text: '#' + b.height,
      'aria-label': 'Show block ' + b.height + ' raw' });
    open.addEventListener('click', function () {
      showBlock(b.hash, open);
    });
    var commands = b.unreadable ? 'could not be decoded' : b.genesis
      ? 'genesis: the chain was created; teacher ' + (b.teacher || '?')
      : b.commands.map(function (c) {
        return c.module + ' → ' + describeTarget(c.target);
      }).concat(describeAccounts(b.accounts) ? [describeAccounts(b.accounts)] : []).join('; ') || '(empty)';
    var granted = b.grant ? b.grant.username + ' (' + b.grant.role + '), signed by ' + computerName(b.grant.hostNodeId)
      : b.genesis ? 'the teacher\'s peer' : '';
    var row = el('tr', { 'data-height': String(b.height), 'data-hash': b.hash, className: fresh ? 'fresh' : null }, [
      el('td', {}, [open]),
      el('td', { text: dateTime(b.time) }),
      el('td', { className: 'cmds', text: commands }),
      el('td', { text: granted })]);
    if (existing) {
      existing.replaceWith(row);
      return;
    }
    var after = null;
    Array.prototype.some.call(body.children, function (r) {
      if (Number(r.getAttribute('data-height')) < b.height) {
        after = r;
        return true;
      }
      return false;
    });
    body.insertBefore(row, after);
  }

  /** Beside a block's raw form: each of its commands' receipts, as the peer keeps them. */
  function showBlockReceipts(commands) {
    var box = $('block-receipts');
    box.textContent = commands.length ? '' : 'No commands in this block, so no receipts.';
    commands.forEach(function (c) {
      var body = el('tbody');
      box.appendChild(el('article', { className: 'result', 'data-command-id': c.id }, [
        el('h3', { text: c.module + ' → ' + describeTarget(c.target) }),
        el('table', {}, [el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Computer' }),
          el('th', { scope: 'col', text: 'Status' }), el('th', { scope: 'col', text: 'Detail' })])]), body])]));
      body.appendChild(el('tr', {}, [el('td', { text: 'Loading…' })]));
      api('GET', '/commands/' + encodeURIComponent(c.id) + viewQuery()).then(function (report) {
        body.textContent = '';
        (report.receipts || []).forEach(function (r) {
          body.appendChild(el('tr', { className: 'receipt-row', 'data-peer-id': r.peerId }, [
            el('td', { text: computerName(r.peerId), title: r.peerId }),
            el('td', {}, [el('span', { className: 'st ' + r.status, text: STATUS_TEXT[r.status] || r.status })]),
            el('td', { text: (r.detail || '') + (r.at ? ' · ' + time(r.at) : '') })]));
        });
        if (!body.children.length) {
          body.appendChild(el('tr', {}, [el('td', { text: 'No receipt kept here (a student\'s peer keeps none).' })]));
        }
      }, function (e) {
        body.textContent = '';
        body.appendChild(el('tr', {}, [el('td', { text: 'The receipts could not be read: ' + e.message })]));
      });
    });
  }

  function showBlock(hash, opener) {
    var dialog = $('block-dialog');
    $('block-dialog-title').textContent = 'Block ' + short(hash);
    $('block-raw').textContent = 'Loading…';
    $('block-receipts').textContent = '';
    $('block-check').textContent = '';
    dialog.returnFocusTo = opener;
    if (!dialog.open) {
      dialog.showModal();
    }
    api('GET', '/blocks/' + hash).then(function (w) {
      var b = decodeBlock(w);
      $('block-dialog-title').textContent = 'Block ' + b.header.height;
      $('block-raw').textContent = JSON.stringify({ hash: w.hash, header: b.header, payload: b.payload }, null, 2);
      showBlockReceipts(b.payload.commands || []);
      return Promise.all([Crypto.sha256(b.headerBytes), Crypto.sha256(b.payloadBytes)]).then(function (h) {
        var hashOk = Crypto.hex(h[0]) === w.hash;
        var payloadOk = Crypto.hex(h[1]) === b.header.payloadHash;
        $('block-check').textContent = hashOk && payloadOk
          ? '✓ Checked in this browser: the header hashes to this block\'s hash, and the payload to the header\'s payload hash.'
          : '✗ This block does not hash as it should: ' + (hashOk ? '' : 'block hash mismatch. ')
            + (payloadOk ? '' : 'payload hash mismatch.');
      });
    }).catch(function (e) {
      $('block-raw').textContent = 'The block could not be read: ' + (e.message || e);
    });
  }

  // ------------------------------------------------------------------ live events

  function setLive(on, text) {
    var live = $('live');
    live.classList.toggle('on', on);
    live.classList.toggle('off', !on);
    $('live-text').textContent = text;
  }

  function connectEvents() {
    if (!window.EventSource) {
      setLive(false, 'live updates: not supported by this browser, polling');
      return;
    }
    if (state.events) {
      state.events.close();
    }
    var withView = state.view !== null && !state.viewRefused;
    var es = new EventSource(API + '/events' + (withView ? viewQuery() : ''));
    state.events = es;
    es.onopen = function () {
      setLive(true, 'live updates: on');
      if (state.liveWasDown) {
        state.liveWasDown = false;
        pollPending();
        refreshStatus();
        refreshRoom();
      }
    };
    es.onerror = function () {
      if (!state.liveWasDown) {
        refreshStatus(); // is the peer itself gone? then the room is no longer known
      }
      state.liveWasDown = true;
      setLive(false, 'live updates: reconnecting…');
      if (es.readyState === EventSource.CLOSED && state.events === es) {
        // refused (a full peer, or a view token it does not take): the browser gives up, so retry
        if (withView) {
          state.viewRefused = true;
        }
        setTimeout(function () {
          if (state.events === es) {
            connectEvents();
          }
        }, 3000);
      }
    };
    es.addEventListener('block', function (e) {
      var b = JSON.parse(e.data);
      addBlockRow(b, true);
      if (state.self && b.height > state.self.height) {
        state.self.height = b.height;
        renderServedBy();
      }
      refreshRoomSoon();
    });
    es.addEventListener('detached', function (e) {
      var d = JSON.parse(e.data);
      var row = $('blocks').querySelector('tr[data-hash="' + d.hash + '"]');
      if (row) {
        row.remove();
      }
    });
    es.addEventListener('receipt', function (e) {
      onReceipt(JSON.parse(e.data));
    });
  }

  // ------------------------------------------------------------------ wiring

  function updateControls() {
    var ok = canSend();
    $('refresh-thumbs').disabled = !ok || !hasModule('screenshot');
    $('account-free').disabled = !ok;
    $('account-rename').disabled = !ok;
    Array.prototype.forEach.call(document.querySelectorAll('#module-forms button.send'), function (b) {
      b.disabled = !ok;
      b.title = ok ? '' : 'Sign in with the teacher\'s account to send';
    });
  }

  function start() {
    $('crypto-mode').textContent = Crypto.mode === 'webcrypto'
      ? 'Hashing: this browser\'s WebCrypto.'
      : 'Hashing: the page\'s own SHA-256 (this browser offers no WebCrypto on a plain http address).';
    $('signin-form').addEventListener('submit', signIn);
    $('signout-button').addEventListener('click', function () {
      signOut(null);
    });
    $('room-filter').addEventListener('input', renderRoom);
    $('select-all').addEventListener('click', function () {
      selectAll(true);
    });
    $('select-none').addEventListener('click', function () {
      selectAll(false);
    });
    $('refresh-thumbs').addEventListener('click', requestThumbs);
    $('account-free').addEventListener('click', function () {
      changeAccount(false);
    });
    $('account-rename').addEventListener('click', function () {
      changeAccount(true);
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[name="target"]'), function (r) {
      r.addEventListener('change', updateTargetSummary);
    });
    $('older-blocks').addEventListener('click', function () {
      if (state.lowestLoaded > 0) {
        loadBlocks(Math.max(0, state.lowestLoaded - BLOCK_PAGE));
      }
    });
    var dialog = $('block-dialog');
    $('block-close').addEventListener('click', function () {
      dialog.close();
    });
    dialog.addEventListener('close', function () {
      if (dialog.returnFocusTo) {
        dialog.returnFocusTo.focus();
      }
    });
    updateControls();
    refreshStatus().then(function () {
      return Promise.all([refreshRoom(), loadModules(), refreshAccounts()]);
    });
    connectEvents();
    setInterval(function () {
      refreshStatus();
      refreshRoom();
      refreshAccounts();
    }, ROOM_PERIOD);
    setInterval(function () {
      // while this page's peer is silent, and a little after: is it back, and is the room whole again?
      if (state.peerDown !== null || Date.now() < state.fastUntil) {
        refreshStatus();
        refreshRoom();
      }
    }, RECOVERY_PERIOD);
    setInterval(pollPending, POLL_PERIOD);
    setInterval(renewView, 60000);
    setInterval(thumbTick, 1000);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
