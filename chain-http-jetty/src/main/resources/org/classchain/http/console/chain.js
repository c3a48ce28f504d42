/*
 * ClassChain console: the chain view, the audit log. Blocks decoded and checked in this browser
 * (header and payload hashes), commands and account records described in words, and a block's
 * receipts beside its raw form.
 */
import { api } from './api.js';
import { $, dateTime, el, short, show, time } from './dom.js';
import { STATUS_TEXT, followCommand, rebuildResults } from './results.js';
import { computerName } from './room.js';
import { canSend, viewQuery } from './session.js';
import { changesState } from './computers.js';
import { state } from './state.js';

var Crypto = window.ClassChainCrypto;

var BLOCK_PAGE = 20;
/** How far below the blocks shown the page looks for commands that set a computer's state. */
var STATE_HISTORY = 1000;
var HISTORY_PAGE = 100;

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

/** The newest page of blocks, up to {@code height}: the first load of the chain view. */
export function loadNewestBlocks(height) {
  return loadBlocks(Math.max(0, height - BLOCK_PAGE + 1));
}

/** The page of blocks below the lowest loaded one. */
export function loadOlderBlocks() {
  if (state.lowestLoaded > 0) {
    loadBlocks(Math.max(0, state.lowestLoaded - BLOCK_PAGE));
  }
}

/**
 * Once per page, for the signed-in teacher: the commands that set a computer's state (a lock
 * from an hour ago, many screenshots back) in the STATE_HISTORY blocks below those shown, followed
 * without a results table, so that each card's state does not depend on how many blocks are shown.
 */
export function loadStateHistory() {
  if (state.historyFrom !== undefined || state.lowestLoaded === null || !canSend() || !state.view) {
    return Promise.resolve();
  }
  var stop = Math.max(0, state.lowestLoaded - STATE_HISTORY);
  state.historyFrom = state.lowestLoaded;
  function page() {
    if (state.historyFrom <= stop) {
      return Promise.resolve();
    }
    var from = Math.max(stop, state.historyFrom - HISTORY_PAGE);
    return api('GET', '/blocks?from=' + from + '&limit=' + (state.historyFrom - from)).then(function (r) {
      r.blocks.forEach(function (w) {
        try {
          var b = blockSummary(decodeBlock(w));
          (b.commands || []).filter(function (c) {
            return changesState(c) && !state.commands.has(c.id);
          }).forEach(function (c) {
            followCommand(c, b.time, false);
          });
        } catch (e) { /* an undecodable block is shown as such in the chain view */ }
      });
      state.historyFrom = from;
      return page();
    });
  }
  return page().catch(function () {
    state.historyFrom = undefined; // tried again at the next sign-in or page of blocks
  });
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
    loadStateHistory();
  }, function () {});
}

export function describeTarget(t) {
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

export function addBlockRow(b, fresh) {
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
