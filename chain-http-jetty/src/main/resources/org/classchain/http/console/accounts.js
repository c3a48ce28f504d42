/*
 * ClassChain console: names on the chain. The accounts list, and freeing or renaming a student's
 * name with one MAC'd batch of account records, as 'classchain accounts' sends.
 */
import { api } from './api.js';
import { sendMessage } from './commands.js';
import { $, el, show } from './dom.js';
import { canSend, enqueue } from './session.js';
import { state } from './state.js';

export function refreshAccounts() {
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
export function changeAccount(rename) {
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
