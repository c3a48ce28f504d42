/*
 * ClassChain console: saved groups ("Table 1", "Row A"), named sets of computers, each one click
 * away as the target of the next command.
 *
 * Kept in this browser (localStorage, beside the seat labels), not at the peer: the storage is
 * the page's origin, the teacher's peer's address, so a page served by a student's peer has its
 * own and cannot read or change these; and the peer gets no new route a student could write to.
 * The price: another browser or computer starts with no groups.
 */
import { setTargetMode, updateTargetSummary } from './commands.js';
import { $, el } from './dom.js';
import { renderRoom, selectable } from './room.js';
import { state } from './state.js';

var GROUPS_KEY = 'classchain.groups';
var MAX_GROUPS = 60;
var MAX_NAME = 40;

/** The saved groups, name -> [nodeId], whatever a damaged entry holds. */
function groups() {
  var all;
  try {
    all = JSON.parse(localStorage.getItem(GROUPS_KEY) || '{}');
  } catch (e) {
    all = null;
  }
  var out = Object.create(null); // a group may be called 'constructor' or '__proto__'
  if (all && typeof all === 'object' && !Array.isArray(all)) {
    Object.keys(all).forEach(function (name) {
      if (Array.isArray(all[name])) {
        out[name] = all[name].filter(function (id) { return typeof id === 'string' && id.length > 0; });
      }
    });
  }
  return out;
}

function store(all) {
  try {
    localStorage.setItem(GROUPS_KEY, JSON.stringify(all));
    return true;
  } catch (e) {
    return false;
  }
}

function names(all) {
  return Object.keys(all).sort(function (a, b) {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  });
}

/** The members of a group that are in the room and may be targeted now. */
function present(members) {
  return state.room.filter(function (p) {
    return members.indexOf(p.nodeId) >= 0 && selectable(p);
  }).map(function (p) { return p.nodeId; });
}

/** Saves the computers selected in the room under the name typed; the same name again replaces it. */
function saveGroup() {
  var status = $('group-status');
  var name = $('group-name').value.trim().slice(0, MAX_NAME);
  var members = state.room.filter(function (p) {
    return state.selected.has(p.nodeId) && selectable(p);
  }).map(function (p) { return p.nodeId; });
  var all = groups();
  if (!name || members.length === 0) {
    status.textContent = !name ? 'Type a name for the group first.' : 'Select its computers in the room first.';
    return;
  }
  if (!(name in all) && Object.keys(all).length >= MAX_GROUPS) {
    status.textContent = 'At most ' + MAX_GROUPS + ' groups: delete one first.';
    return;
  }
  var replaced = name in all;
  all[name] = members;
  status.textContent = store(all) ? (replaced ? 'Group ' + name + ' replaced: ' : 'Group ' + name + ' saved: ')
    + members.length + ' computer(s).' : 'Not saved: this browser keeps no data for this page (private mode?).';
  $('group-name').value = '';
  renderGroups();
}

function deleteGroup(name) {
  var all = groups();
  delete all[name];
  store(all);
  $('group-status').textContent = 'Group ' + name + ' deleted.';
  renderGroups();
  $('group-name').focus(); // its button is gone: focus stays where groups are made
}

/** One click: the group's computers become the selection and the target. */
function targetGroup(name) {
  var members = present(groups()[name] || []);
  state.selected = new Set(members);
  setTargetMode('peers');
  renderRoom();
  var missing = (groups()[name] || []).length - members.length;
  $('group-status').textContent = 'Group ' + name + ' is the target: ' + members.length + ' computer(s)'
    + (missing > 0 ? ', ' + missing + ' not in the room now' : '') + '.';
}

function sameSet(a, b) {
  return a.size === b.length && b.every(function (x) { return a.has(x); });
}

/** The group buttons; the one whose computers are exactly the current target is pressed. Drawn in
 * place (a button keeps its focus while the room refreshes around it). */
export function renderGroups() {
  var list = $('groups');
  var all = groups();
  var targeting = document.querySelector('input[name="target"]:checked');
  var peers = targeting && targeting.value === 'peers';
  var items = new Map();
  Array.prototype.forEach.call(list.children, function (li) {
    items.set(li.getAttribute('data-group'), li);
  });
  names(all).forEach(function (name, i) {
    var li = items.get(name) || groupItem(name);
    items.delete(name);
    if (list.children[i] !== li) {
      list.insertBefore(li, list.children[i] || null);
    }
    var members = present(all[name]);
    var pick = li.querySelector('button.group');
    pick.textContent = name + ' · ' + members.length;
    pick.setAttribute('aria-pressed', String(peers && members.length > 0 && sameSet(state.selected, members)));
  });
  items.forEach(function (li) {
    li.remove();
  });
}

function groupItem(name) {
  var pick = el('button', { type: 'button', className: 'group secondary', 'data-group': name,
    title: 'Send the next command to ' + name });
  pick.addEventListener('click', function () {
    targetGroup(name);
  });
  var remove = el('button', { type: 'button', className: 'group-delete secondary', text: '×',
    'aria-label': 'Delete the group ' + name });
  remove.addEventListener('click', function () {
    deleteGroup(name);
  });
  return el('li', { 'data-group': name }, [pick, remove]);
}

/** Wires the save button; the group buttons are drawn with the room. */
export function startGroups() {
  $('group-save').addEventListener('click', saveGroup);
  $('group-name').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      saveGroup();
    }
  });
  renderGroups();
  updateTargetSummary();
}
