/*
 * ClassChain console: the session. Sign-in with ClassChainSrp (the password never leaves the
 * page), sign-out, the teacher's view token for screens and receipt events, and the queue that
 * sends one MAC'd batch at a time.
 */
import { ApiError, api } from './api.js';
import { loadStateHistory } from './chain.js';
import { updateControls } from './commands.js';
import { $, show } from './dom.js';
import { connectEvents } from './live.js';
import { rebuildResults } from './results.js';
import { refreshRoomSoon, renderRoom } from './room.js';
import { state } from './state.js';
import { closeLive } from './screens.js';

var Srp = window.ClassChainSrp;

var SESSION_IDLE = 30 * 60000;
var VIEW_LIFETIME = 20 * 60000;
var VIEW_RENEW_BELOW = 10 * 60000;

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

export function signIn(ev) {
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
      loadStateHistory();
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

export function signOut(reason) {
  closeLive();
  var client = state.client;
  if (client) {
    // the host ends the session too, so a view token copied from this page stops working now;
    // the key is forgotten once the request is made (or could not be)
    enqueue(function () {
      return client.logout().then(function (body) {
        return api('POST', '/auth/logout', body);
      });
    }).catch(function () { /* an expired session ends anyway */ }).then(function () {
      client.forget();
    });
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
export function renewView() {
  if (state.view && state.view.until - (Date.now() + state.hostSkew) < VIEW_RENEW_BELOW) {
    refreshView().then(renderRoom);
  }
}

/** '?session=..&until=..&mac=..' when signed in as the teacher here, else ''. */
export function viewQuery() {
  return state.view ? '?' + state.view.query : '';
}

export function canSend() {
  return state.client !== null && state.role === 'TEACHER';
}

/** Runs one MAC'd request after the previous one: one batch at a time per session. */
export function enqueue(task) {
  var p = state.sendChain.then(task);
  state.sendChain = p.catch(function () {});
  return p;
}
