/*
 * ClassChain console: the command forms. One form per installed module (built from its argument
 * descriptions), the target (every student, the selected computers, the selected people), and
 * sending a command as a MAC'd batch.
 */
import { API, ApiError, api } from './api.js';
import { $, el, show } from './dom.js';
import { renderGroups } from './groups.js';
import { track } from './results.js';
import { peerName } from './room.js';
import { canSend, enqueue, signOut } from './session.js';
import { updateLockAll } from './computers.js';
import { state } from './state.js';

var Srp = window.ClassChainSrp;

function targetMode() {
  var checked = document.querySelector('input[name="target"]:checked');
  return checked ? checked.value : 'all';
}

/** Checks the 'Send to' choice {@code mode} ('all', 'peers' or 'users'). */
export function setTargetMode(mode) {
  var radio = document.querySelector('input[name="target"][value="' + mode + '"]');
  if (radio) {
    radio.checked = true;
  }
}

/** Every student the room knows, offline ones included: the command waits on the chain for them. */
export function everyStudent() {
  var students = state.room.filter(function (p) { return p.role === 'STUDENT'; });
  var away = students.filter(function (p) { return !p.online; }).length;
  return { target: { kind: 'ALL', values: [] }, expected: students.map(function (p) { return p.nodeId; }),
    text: 'every student (' + students.length + ' known' + (away ? ', ' + away + ' offline' : '') + ')' };
}

function selectedPeers() {
  return state.room.filter(function (p) {
    return state.selected.has(p.nodeId);
  });
}

/** The target of the next command: {target, expected: [nodeId], text}, or {error}. */
export function currentTarget() {
  var mode = targetMode();
  if (mode === 'all') {
    return everyStudent();
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

export function updateTargetSummary() {
  var t = currentTarget();
  $('target-summary').textContent = t.error ? t.error : 'Commands go to ' + t.text + '.';
  renderGroups();
}

// ------------------------------------------------------------------ modules and sending

export function loadModules() {
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

export function sendMessage(e) {
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
export function send(module, args, t, visible) {
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

export function hasModule(name) {
  return state.modules.some(function (m) { return m.name === name; });
}

// ------------------------------------------------------------------ the file picker

var chosenFile = null;

/** Takes the file picked or dropped: named in the status, sent with "Send file". */
function chooseFile(file) {
  chosenFile = file || null;
  $('file-status').textContent = chosenFile ? chosenFile.name + ' (' + bytes(chosenFile.size) + ') ready to send.' : '';
  updateControls();
}

function bytes(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' bytes';
}

/**
 * Uploads the file to this peer ({@code POST /api/v1/files} with the view token of the signed-in
 * teacher), showing its progress, then sends send-file with the reference the peer answered; the
 * results then show each computer's row, and its card "a file arriving", until its receipt.
 */
function sendChosenFile() {
  var file = chosenFile;
  var error = $('send-error');
  show(error, false);
  var t = currentTarget();
  if (!file || t.error || !state.view) {
    error.textContent = 'Not sent: ' + (t.error || (!file ? 'choose a file first.'
      : 'the screens and files of this session are not open yet; try again in a moment.'));
    show(error, true);
    return;
  }
  var button = $('file-send');
  var progress = $('file-progress');
  var status = $('file-status');
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  upload(file, function (done) {
    progress.value = Math.floor(100 * done / Math.max(1, file.size));
    status.textContent = 'Uploading ' + file.name + ' to this peer: ' + bytes(done) + ' of ' + bytes(file.size) + '.';
  }).then(function (ref) {
    status.textContent = file.name + ' uploaded; sending it to ' + t.text + '.';
    return send('send-file', { name: ref.name, size: String(ref.size), sha256: ref.sha256, root: ref.root,
      'chunk-size': String(ref.chunkSize), from: state.self.address }, t, true);
  }).then(function () {
    status.textContent = file.name + ' sent to ' + t.text + ': each computer\'s row below says when it has it.';
    chosenFile = null;
    $('file-input').value = '';
  }, function (e) {
    status.textContent = '';
    error.textContent = sendMessage(e);
    show(error, true);
  }).then(function () {
    progress.hidden = true;
    updateControls();
  });
}

/** POSTs the file's bytes; resolves with the peer's answer {name, size, sha256, root, chunkSize}. */
function upload(file, onProgress) {
  return new Promise(function (resolve, reject) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', API + '/files?name=' + encodeURIComponent(file.name) + '&' + state.view.query);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = function (ev) {
      onProgress(ev.loaded);
    };
    xhr.onload = function () {
      var data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      if (xhr.status === 201 && data) {
        resolve(data);
      } else {
        reject(new ApiError(xhr.status, (data && data.error) || xhr.statusText || 'upload failed', 0));
      }
    };
    xhr.onerror = function () {
      reject(new ApiError(0, 'this peer cannot be reached', 0));
    };
    xhr.send(file);
  });
}

/** Wires the file input, the drop area and the send button. */
export function startFilePicker() {
  var drop = $('file-drop');
  $('file-input').addEventListener('change', function (ev) {
    chooseFile(ev.target.files[0]);
  });
  ['dragenter', 'dragover'].forEach(function (type) {
    drop.addEventListener(type, function (ev) {
      ev.preventDefault();
      drop.classList.add('over');
    });
  });
  drop.addEventListener('dragleave', function () {
    drop.classList.remove('over');
  });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    drop.classList.remove('over');
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      chooseFile(ev.dataTransfer.files[0]);
    }
  });
  $('file-send').addEventListener('click', sendChosenFile);
  // a file dropped beside the area must not make the browser leave the console to show it
  ['dragover', 'drop'].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      ev.preventDefault();
    });
  });
}

export function updateControls() {
  var ok = canSend();
  $('file-send').disabled = !ok || !chosenFile || !hasModule('send-file') || !$('file-progress').hidden;
  $('refresh-thumbs').disabled = !ok;
  $('account-free').disabled = !ok;
  $('account-rename').disabled = !ok;
  Array.prototype.forEach.call(document.querySelectorAll('#module-forms button.send'), function (b) {
    b.disabled = !ok;
    b.title = ok ? '' : 'Sign in with the teacher\'s account to send';
  });
  updateLockAll();
}
