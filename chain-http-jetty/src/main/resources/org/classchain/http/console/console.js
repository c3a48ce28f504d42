/*
 * ClassChain console: the page's entry module. Talks only to the peer that served it (/api/v1),
 * signs in with ClassChainSrp, sends MAC'd batches one at a time, and follows the peer's
 * server-sent events (/api/v1/events) for blocks and receipts.
 *
 * The page is ES modules served as they are, no build step: api (the HTTP calls), session
 * (sign-in, view token), room (the computers and their screens), commands (the forms and the
 * target), groups (saved sets of computers), computers (each card's locked/blacked out/web limits/
 * files, and Lock all), accounts (names), results (receipts per command), chain (the audit log),
 * live (the event stream); dom and state are shared by all. This module wires them to the page and runs
 * the timers.
 */
import { changeAccount, refreshAccounts } from './accounts.js';
import { onReachability } from './api.js';
import { loadOlderBlocks } from './chain.js';
import { loadModules, startFilePicker, updateControls, updateTargetSummary } from './commands.js';
import { $ } from './dom.js';
import { startGroups } from './groups.js';
import { connectEvents } from './live.js';
import { pollPending } from './results.js';
import { filesArriving, peerAnswered, peerSilent, refreshRoom, refreshStatus, renderRoom, requestThumbs, selectAll, thumbTick }
  from './room.js';
import { renewView, signIn, signOut } from './session.js';
import { state } from './state.js';
import { answerPower, askPower, lockAll } from './computers.js';
import { closeLive } from './screens.js';

var Crypto = window.ClassChainCrypto;
var ROOM_PERIOD = 10000;
/** While this page's peer does not answer, and for a while after it answers again: room refreshes this often. */
var RECOVERY_PERIOD = 2000;
var POLL_PERIOD = 5000;

function start() {
  $('crypto-mode').textContent = Crypto.mode === 'webcrypto'
    ? 'Hashing: this browser\'s WebCrypto.'
    : 'Hashing: the page\'s own SHA-256 (this browser offers no WebCrypto on a plain http address).';
  onReachability({ answered: peerAnswered, silent: peerSilent });
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
  $('lock-all').addEventListener('click', lockAll);
  startFilePicker();
  ['power-logoff', 'power-reboot', 'power-shutdown'].forEach(function (id) {
    $(id).addEventListener('click', askPower);
  });
  $('power-confirm-yes').addEventListener('click', function () { answerPower(true); });
  $('power-confirm-no').addEventListener('click', function () { answerPower(false); });
  startGroups();
  $('account-free').addEventListener('click', function () {
    changeAccount(false);
  });
  $('account-rename').addEventListener('click', function () {
    changeAccount(true);
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[name="target"]'), function (r) {
    r.addEventListener('change', updateTargetSummary);
  });
  $('older-blocks').addEventListener('click', loadOlderBlocks);
  $('live-close').addEventListener('click', closeLive);
  $('live-dialog').addEventListener('close', closeLive); // Escape too: the stream stops with the dialog
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
    if (state.peerDown !== null || Date.now() < state.fastUntil || filesArriving()) {
      refreshStatus();
      refreshRoom();
    }
  }, RECOVERY_PERIOD);
  setInterval(pollPending, POLL_PERIOD);
  setInterval(renewView, 60000);
  setInterval(thumbTick, 1000);
}

// a module runs once the document is parsed, after crypto.js and srp.js (deferred, earlier in the page)
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
