/*
 * ClassChain console: the results. One table per command, a row per targeted computer, filled in
 * as receipts arrive (events, or polling while some are missing), and rebuilt after a reload from
 * the receipts the teacher's peer keeps.
 */
import { API, api } from './api.js';
import { describeTarget } from './chain.js';
import { $, el, time } from './dom.js';
import { computerName, isOffline, refreshCard } from './room.js';
import { canSend, viewQuery } from './session.js';
import { state } from './state.js';
import { changesState, refreshStates } from './computers.js';

export var STATUS_TEXT = {
  EXECUTED: 'executed', REFUSED: 'refused', FAILED: 'failed', EXPIRED: 'expired',
  UNKNOWN_MODULE: 'unknown module', UNAVAILABLE: 'not possible here', PENDING: 'waiting', NO_RECEIPT: 'no receipt',
  OFFLINE: 'offline'
};

export function track(command, t, visible) {
  var entry = { command: command, visible: visible, rows: new Map(), pending: new Set(), receipts: new Map(),
    box: null, body: null };
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
  if (changesState(command)) {
    refreshStates();
  }
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
export function rebuildResults() {
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
    followCommand(f.command, f.block.time, f.command.module !== 'screenshot');
  });
}

/**
 * Tracks a command found on the chain (shown in the results when {@code visible}) and reads the
 * receipts the teacher's peer keeps for it.
 */
export function followCommand(c, blockTime, visible) {
  var command = { id: c.id, module: c.module, args: c.args || {}, target: c.target, notAfter: c.notAfter };
  track(command, { target: c.target, expected: expectedOf(c.target), text: describeTarget(c.target),
    sentAt: blockTime }, visible);
  api('GET', '/commands/' + encodeURIComponent(c.id) + viewQuery()).then(function (report) {
    (report.receipts || []).forEach(onReceipt);
  }, function () { /* polled again while it waits */ });
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

export function onReceipt(r) {
  var entry = state.commands.get(r.commandId);
  if (entry) {
    entry.pending.delete(r.peerId);
    entry.receipts.set(r.peerId, r);
    setRow(entry, r.peerId, r);
    if (changesState(entry.command)) {
      refreshStates();
    }
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

/** The fallback for lost events: asks the peer for each command still waiting on receipts. */
export function pollPending() {
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
