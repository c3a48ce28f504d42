/*
 * ClassChain console: each computer's state on its card (locked, blacked out, web limits on,
 * files arriving) and the big "Lock all / Unlock all".
 *
 * The state is derived, never guessed: for each pair of commands (lock/unlock, blackout/
 * unblackout, web-limits with action 'lift' or any other) the one that counts is the last one
 * that computer EXECUTED, by the time on its receipt (its own clock, so its own order); a lock or
 * blackout given 'seconds' ends by itself that long after. A refused or impossible command
 * changes nothing. Files are arriving while a send-file command waits for that computer's
 * receipt. Only commands this page knows count: those it sent, and those of the blocks it loaded
 * whose receipts the teacher's peer keeps (so it is shown to the signed-in teacher).
 *
 * The power buttons (log off, restart, shut down) send the power module's command to the target
 * of "Send to", once the teacher confirmed it in a step that names the computers.
 */
import { currentTarget, everyStudent, hasModule, send, sendMessage } from './commands.js';
import { $, el } from './dom.js';
import { peerName } from './room.js';
import { canSend } from './session.js';
import { state } from './state.js';

/** What each state is called on a card, in the order shown. */
var KINDS = [
  { key: 'locked', text: 'locked' },
  { key: 'blacked-out', text: 'blacked out' },
  { key: 'web-limits', text: 'web limits on' }
];

/** What a command does to a computer's state once executed there: {kind, on, seconds}, or null. */
function effect(command) {
  var args = command.args || {};
  var seconds = Number(args.seconds) > 0 ? Number(args.seconds) : 0;
  switch (command.module) {
    case 'lock':
      return { kind: 'locked', on: true, seconds: seconds };
    case 'unlock':
      return { kind: 'locked', on: false };
    case 'blackout':
      return { kind: 'blacked-out', on: true, seconds: seconds };
    case 'unblackout':
      return { kind: 'blacked-out', on: false };
    case 'web-limits':
      return { kind: 'web-limits', on: args.action !== 'lift' };
    default:
      return null;
  }
}

/** Whether a command can change what a card shows. */
export function changesState(command) {
  return effect(command) !== null || command.module === 'send-file';
}

/** The computer's state now: {locked, 'blacked-out', 'web-limits': boolean, files: number}. */
export function stateOf(nodeId) {
  var last = {};
  var files = 0;
  var now = Date.now();
  state.commands.forEach(function (entry) {
    if (entry.command.module === 'send-file' && entry.pending.has(nodeId) && !entry.closed
        && now < entry.command.notAfter) {
      files++;
    }
    var e = effect(entry.command);
    var r = e && entry.receipts.get(nodeId);
    if (!r || r.status !== 'EXECUTED') {
      return;
    }
    var at = typeof r.at === 'number' ? r.at : Date.parse(r.at) || 0; // epoch ms; an ISO time read too
    if (!last[e.kind] || at >= last[e.kind].at) {
      last[e.kind] = { at: at, effect: e };
    }
  });
  var out = { files: files };
  KINDS.forEach(function (k) {
    var l = last[k.key];
    out[k.key] = !!l && l.effect.on && !(l.effect.seconds && l.at + l.effect.seconds * 1000 <= now);
  });
  return out;
}

/** The state line of one card. */
export function renderState(card, p) {
  var line = card.querySelector('.state');
  var s = stateOf(p.nodeId);
  line.textContent = '';
  KINDS.forEach(function (k) {
    card.setAttribute('data-' + k.key, String(s[k.key]));
    if (s[k.key]) {
      line.appendChild(el('span', { className: 'badge ' + k.key, text: k.text }));
      line.appendChild(document.createTextNode(' '));
    }
  });
  if (s.files > 0) {
    line.appendChild(el('span', { className: 'badge files-arriving',
      text: s.files === 1 ? 'a file arriving' : s.files + ' files arriving' }));
  }
}

/** Redraws every card's state line, after a receipt or a command that may change one. */
export function refreshStates() {
  state.room.forEach(function (p) {
    var card = $('room').querySelector('li[data-node-id="' + CSS.escape(p.nodeId) + '"]');
    if (card) {
      renderState(card, p);
    }
  });
  updateLockAll();
}

/** Whether every student that answers is locked (and there is one): the big button then unlocks. */
function allLocked() {
  var online = state.room.filter(function (p) { return p.role === 'STUDENT' && p.online; });
  return online.length > 0 && online.every(function (p) { return stateOf(p.nodeId).locked; });
}

/** The big button: "Unlock all" once every student that answers is locked, else "Lock all". */
export function updateLockAll() {
  var button = $('lock-all');
  var unlock = allLocked();
  button.textContent = unlock ? 'Unlock all' : 'Lock all';
  button.setAttribute('data-action', unlock ? 'unlock' : 'lock');
  var ok = canSend() && hasModule(unlock ? 'unlock' : 'lock');
  button.disabled = !ok || button.classList.contains('sending');
  button.title = ok ? '' : canSend() ? 'This peer has no ' + (unlock ? 'unlock' : 'lock') + ' module'
    : 'Sign in with the teacher\'s account to lock';
  updatePower();
}

/** Locks every student's computer, or unlocks them all: one command to every student. */
export function lockAll() {
  var button = $('lock-all');
  var module = button.getAttribute('data-action') === 'unlock' ? 'unlock' : 'lock';
  var error = $('send-error');
  error.hidden = true;
  button.classList.add('sending');
  button.disabled = true;
  send(module, {}, everyStudent(), true).catch(function (e) {
    error.textContent = sendMessage(e);
    error.hidden = false;
  }).then(function () {
    button.classList.remove('sending');
    updateLockAll();
  });
}

/** What each power button does, in the words of its confirmation. */
var POWER = {
  logoff: { verb: 'Log off', button: 'power-logoff' },
  reboot: { verb: 'Restart', button: 'power-reboot' },
  shutdown: { verb: 'Shut down', button: 'power-shutdown' }
};
var powerAsked = null; // {action, target} while the confirmation is up

/** Enables the power buttons for a signed-in teacher whose peer has the power module. */
export function updatePower() {
  var ok = canSend() && hasModule('power');
  Object.keys(POWER).forEach(function (a) {
    var b = $(POWER[a].button);
    b.disabled = !ok || powerAsked !== null;
    b.title = ok ? '' : canSend() ? 'This peer has no power module' : 'Sign in with the teacher\'s account';
  });
}

/** A power button: asks to confirm, naming the computers it goes to. */
export function askPower(ev) {
  var action = ev.currentTarget.getAttribute('data-action');
  var error = $('send-error');
  error.hidden = true;
  var t = currentTarget();
  if (t.error) {
    error.textContent = t.error;
    error.hidden = false;
    return;
  }
  var names = t.expected.map(function (id) {
    var p = state.room.find(function (x) { return x.nodeId === id; });
    return p ? peerName(p) : id.substring(0, 8);
  });
  powerAsked = { action: action, target: t };
  var named = t.target.kind === 'PEERS' ? '' // the text names them already
    : names.length ? 'Computers: ' + names.join(', ') + '. ' : 'No computer is known yet. ';
  $('power-confirm-text').textContent = POWER[action].verb + ' ' + t.text + '? ' + named
    + 'Unsaved work on them is lost.';
  $('power-confirm-yes').textContent = POWER[action].verb + ' ' + names.length + ' computer(s)';
  $('power-confirm').hidden = false;
  updatePower();
  $('power-confirm-no').focus();
}

/** The confirmation's answer: sends the command on yes, forgets it on cancel. */
export function answerPower(yes) {
  var asked = powerAsked;
  powerAsked = null;
  $('power-confirm').hidden = true;
  updatePower();
  if (!yes || !asked) {
    $(asked ? POWER[asked.action].button : 'power-reboot').focus();
    return;
  }
  var error = $('send-error');
  send('power', { action: asked.action }, asked.target, true).catch(function (e) {
    error.textContent = sendMessage(e);
    error.hidden = false;
  });
}
