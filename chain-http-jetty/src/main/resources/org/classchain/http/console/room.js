/*
 * ClassChain console: the room. The peer that served the page, the computers it knows (cards
 * sorted teachers first, then by name, with seat labels kept in this browser), what is selected,
 * and each card's screen thumbnail (asked of the computer off the chain every few seconds while
 * the page is visible, see screens.js; a click opens it live).
 */
import { api } from './api.js';
import { loadNewestBlocks } from './chain.js';
import { updateTargetSummary } from './commands.js';
import { $, ago, el, short, show, time } from './dom.js';
import { canSend, viewQuery } from './session.js';
import { renderState, stateOf, updateLockAll } from './computers.js';
import { openLive, thumbnailsDue, thumbUrl, whyNoScreen } from './screens.js';
import { state } from './state.js';

/** After this page's peer answers again, the room is read often (RECOVERY_PERIOD in console.js) this long. */
var RECOVERY_LENGTH = 20000;
var SEATS_KEY = 'classchain.seats';

/**
 * This page's peer did not answer: what the room shows is no longer known (a student's card
 * must not say it answers when nobody can tell), and the page says so once, in one place.
 */
export function peerSilent() {
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
export function peerAnswered() {
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

export function renderServedBy() {
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

export function refreshStatus() {
  return api('GET', '/status').then(function (s) {
    state.self = s;
    renderServedBy();
    if (state.lowestLoaded === null) {
      loadNewestBlocks(s.height);
    }
    return s;
  }, function (e) {
    $('served-by').textContent = 'This peer does not answer: ' + e.message;
  });
}

/** A room refresh soon, once: after a block or a sign-in, heights and users have changed. */
export function refreshRoomSoon() {
  if (state.roomTimer) {
    return;
  }
  state.roomTimer = setTimeout(function () {
    state.roomTimer = null;
    refreshRoom();
  }, 2500);
}

// ------------------------------------------------------------------ the room

export function refreshRoom() {
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

export function peerName(p) {
  if (p.users && p.users.length) {
    return p.users.join(', ');
  }
  var seat = seatOf(p.nodeId);
  return seat ? seat : 'computer ' + short(p.nodeId);
}

/** A computer's name by node id, for the results and the chain: its card's name when it is in the room. */
export function computerName(nodeId) {
  var p = state.room.find(function (x) { return x.nodeId === nodeId; });
  return p ? peerName(p) : seatOf(nodeId) || 'computer ' + short(nodeId);
}

/** Teachers' computers are never a target: commands go to students. */
export function selectable(p) {
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

export function renderRoom() {
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
  updateLockAll();
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
    el('p', { className: 'meta state', 'aria-label': 'State' }),
    el('p', { className: 'meta desktop', 'aria-label': 'Desktop' }),
    el('div', { className: 'transfers' }),
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
  renderState(card, p);
  var desk = card.querySelector('.desktop');
  desk.textContent = p.online && !down ? desktopLine(p.desktop) : '';
  desk.hidden = desk.textContent === '';
  renderTransfers(card.querySelector('.transfers'), p.online && !down ? p.transfers || [] : []);
  renderThumb(card, p);
}

// a bar per file its own peer says it fetches (it may lie; the receipt cannot)
function renderTransfers(box, list) {
  box.textContent = '';
  list.forEach(function (t) {
    var pc = Math.max(0, Math.min(100, Math.floor(Number(t.percent) || 0)));
    box.appendChild(el('div', { className: 'transfer', title: t.sources + ' source(s)' }, [
      el('progress', { max: '100', value: String(pc) }),
      el('span', { className: 'transfer-text', text: t.name + ' ' + pc + (pc === 100 ? ' % (saved)' : ' %') })]));
  });
  box.hidden = !list.length;
}

// a file arriving: the room is read often so its bar moves
export function filesArriving() {
  return state.room.some(function (p) {
    return stateOf(p.nodeId).files > 0 || (p.transfers || []).some(function (t) { return t.percent < 100; });
  });
}

/**
 * The status's word on the desktop: "no graphical session", "agent restarted 1 time (12:03:07)",
 * "blackout interrupted 2 times, restored"; empty when all is well or not said.
 */
export function desktopLine(d) {
  if (!d) {
    return '';
  }
  var parts = [];
  if (!d.display) {
    parts.push(d.note || 'no display');
  }
  if (d.agentRestarts > 0) {
    parts.push('agent restarted ' + times(d.agentRestarts)
      + (d.lastAgentRestart ? ' (' + time(d.lastAgentRestart) + ')' : ''));
  }
  if (d.interruptions > 0) {
    parts.push('blackout interrupted ' + times(d.interruptions) + ', restored');
  }
  return parts.join(' · ');
}

function times(n) {
  return n + (n === 1 ? ' time' : ' times');
}

function renderThumb(card, p) {
  var t = state.thumbs.get(p.nodeId);
  var screen = card.querySelector('.screen');
  var img = screen.querySelector('img');
  var note = screen.querySelector('.screen-note');
  var src = t && state.view ? (t.screen ? thumbUrl(p.nodeId, t) : t.src ? t.src + viewQuery() : null) : null;
  if (src && !(t.screen && t.failed === t.n)) {
    if (!img) {
      img = el('img', { className: 'thumb', tabIndex: 0 });
      img.addEventListener('click', function () { openLive(p.nodeId, peerName(p)); });
      img.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          openLive(p.nodeId, peerName(p));
        }
      });
      img.addEventListener('error', function () {
        var now = state.thumbs.get(p.nodeId);
        if (!now || !now.screen || now.failed === now.n) {
          return;
        }
        now.failed = now.n;
        whyNoScreen(img.src).then(function (why) {
          now.note = 'no screen: ' + (why || 'unreadable picture');
          refreshCard(p.nodeId);
        });
      });
      screen.appendChild(img);
    }
    // the same refresh keeps its picture: a new src (and a request) only when a refresh is due
    if (img.dataset.src !== (t.screen ? 'n' + t.n : t.src)) {
      img.dataset.src = t.screen ? 'n' + t.n : t.src;
      img.setAttribute('src', src);
    }
    img.alt = 'Screen of ' + peerName(p) + ' at ' + time(t.at) + ' (click: live)';
    img.title = 'at ' + time(t.at) + '; click to watch it live';
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
    note.textContent = t && t.note ? t.note : t && (t.src || t.screen) ? 'sign in as the teacher to see screens'
      : 'no screen yet';
  }
}

export function refreshCard(nodeId) {
  var card = $('room').querySelector('li[data-node-id="' + CSS.escape(nodeId) + '"]');
  var p = state.room.find(function (x) { return x.nodeId === nodeId; });
  if (card && p) {
    renderThumb(card, p);
  }
}

export function selectAll(on) {
  state.room.forEach(function (p) {
    if (!on) {
      state.selected.delete(p.nodeId);
    } else if (matchesFilter(p) && selectable(p)) {
      state.selected.add(p.nodeId);
    }
  });
  renderRoom();
}

/** Whether the room says the computer with this node id does not answer now. */
export function isOffline(nodeId) {
  return state.room.some(function (p) { return p.nodeId === nodeId && !p.online; });
}

// ------------------------------------------------------------------ thumbnails

export function requestThumbs() {
  thumbnailsDue().forEach(refreshCard);
}

/** Every second: thumbnails are asked again once the interval chosen beside "Refresh screens" has passed. */
export function thumbTick() {
  var seconds = Number($('thumb-interval').value);
  if (!(seconds > 0) || document.visibilityState !== 'visible') {
    return;
  }
  if (Date.now() - state.lastThumbRequest >= Math.max(5, seconds) * 1000) {
    requestThumbs();
  }
}
