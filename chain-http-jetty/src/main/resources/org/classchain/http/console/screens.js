/*
 * ClassChain console: the students' screens, off the chain. Thumbnails and the live view are
 * pictures the teacher's peer fetches on request (GET /api/v1/screens/{nodeId} with the view
 * token), from the computer itself or relayed by classmates: no command, no block. Clicking a
 * thumbnail opens that screen large and live (a frame every LIVE_PERIOD ms at most, two on their
 * way at once, while the dialog is open); closing the dialog stops it.
 */
import { API } from './api.js';
import { $ } from './dom.js';
import { viewQuery } from './session.js';
import { state } from './state.js';

var THUMB_WIDTH = 320;
var LIVE_WIDTH = 1024;
/** The live view asks for a frame this often at most (4 a second). */
var LIVE_PERIOD = 250;

var frames = 0;
var live = null;

/** The URL of a picture of this computer's screens, or null when not signed in as the teacher here. */
export function screenUrl(nodeId, width, n) {
  var q = viewQuery();
  if (!q) {
    return null;
  }
  frames++;
  return API + '/screens/' + encodeURIComponent(nodeId) + q + '&width=' + width + '&n=' + (n === undefined ? frames : n);
}

/** Why a picture could not be had: the peer's JSON error, asked again (an <img> cannot read it). */
export function whyNoScreen(url) {
  return fetch(url, { cache: 'no-store' }).then(function (r) {
    if (r.ok) {
      return null;
    }
    return r.json().then(function (b) { return b.error || ('HTTP ' + r.status); },
      function () { return 'HTTP ' + r.status; });
  }, function () { return 'the peer did not answer'; });
}

/**
 * Fresh thumbnails of the students' computers that answer: each card's picture is asked again.
 * Called by the "Refresh screens" button and every few seconds (the interval beside it).
 */
export function thumbnailsDue() {
  if (!state.view) {
    return [];
  }
  state.lastThumbRequest = Date.now();
  state.thumbRefreshes++;
  var due = [];
  state.room.forEach(function (p) {
    if (p.role === 'STUDENT' && p.online && !(state.self && p.nodeId === state.self.nodeId)) {
      state.thumbs.set(p.nodeId, { screen: true, n: state.thumbRefreshes, at: Date.now() });
      due.push(p.nodeId);
    }
  });
  return due;
}

/** The card's <img>'s src for a side-channel thumbnail. */
export function thumbUrl(nodeId, t) {
  return screenUrl(nodeId, THUMB_WIDTH, 't' + t.n);
}

// ------------------------------------------------------------------ the live view

/** Frames asked at once: the next is on its way while one travels back (a relay takes time). */
var LIVE_IN_FLIGHT = 2;

/** Opens one computer's screen large and live. */
export function openLive(nodeId, name) {
  closeLive();
  var dialog = $('live-dialog');
  var img = $('live-screen');
  $('live-title').textContent = 'Screen of ' + name + ', live';
  $('live-status').textContent = 'connecting…';
  var session = { stopped: false, shown: 0, since: Date.now(), timer: null, lastAsk: 0, inFlight: 0, asked: 0,
    newest: 0, objectUrl: null, abort: new AbortController() };
  live = session;
  img.onload = function () {
    if (session.stopped) {
      return;
    }
    session.shown++;
    var seconds = (Date.now() - session.since) / 1000;
    img.dataset.frames = String(session.shown);
    img.dataset.width = String(img.naturalWidth);
    $('live-status').textContent = session.shown + ' frames, ' + (session.shown / Math.max(seconds, 0.001)).toFixed(1)
      + ' a second';
  };
  /** Asks frames until LIVE_IN_FLIGHT are on their way, at most one every LIVE_PERIOD ms. */
  function pump() {
    while (!session.stopped && session.inFlight < LIVE_IN_FLIGHT) {
      var wait = LIVE_PERIOD - (Date.now() - session.lastAsk);
      if (wait > 0) {
        clearTimeout(session.timer);
        session.timer = setTimeout(pump, wait);
        return;
      }
      if (!ask()) {
        return;
      }
    }
  }
  function ask() {
    var url = screenUrl(nodeId, LIVE_WIDTH);
    if (!url) {
      $('live-status').textContent = 'sign in as the teacher to see screens';
      return false;
    }
    var n = ++session.asked;
    session.inFlight++;
    session.lastAsk = Date.now();
    fetch(url, { cache: 'no-store', signal: session.abort.signal }).then(function (r) {
      if (!r.ok) {
        return r.json().then(function (b) { throw new Error(b.error || 'HTTP ' + r.status); },
          function () { throw new Error('HTTP ' + r.status); });
      }
      return r.blob();
    }).then(function (picture) {
      if (session.stopped || n < session.newest) {
        return; // a newer frame is already shown
      }
      session.newest = n;
      if (session.objectUrl) {
        URL.revokeObjectURL(session.objectUrl);
      }
      session.objectUrl = URL.createObjectURL(picture);
      img.src = session.objectUrl;
    }, function (e) {
      if (!session.stopped) {
        $('live-status').textContent = 'no picture: ' + e.message + '; trying again';
        session.lastAsk = Date.now() + 2000 - LIVE_PERIOD; // the next try in 2 s
      }
    }).then(function () {
      session.inFlight--;
      pump();
    });
    return true;
  }
  if (!dialog.open) {
    dialog.showModal();
  }
  pump();
}

/** Stops the live view (its dialog closed): no more frames are asked, those on their way are dropped. */
export function closeLive() {
  if (live) {
    live.stopped = true;
    clearTimeout(live.timer);
    live.abort.abort();
    if (live.objectUrl) {
      URL.revokeObjectURL(live.objectUrl);
    }
    live = null;
  }
  var img = $('live-screen');
  img.onload = null;
  img.removeAttribute('src');
  delete img.dataset.frames;
  delete img.dataset.width;
  var dialog = $('live-dialog');
  if (dialog.open) {
    dialog.close();
  }
}
