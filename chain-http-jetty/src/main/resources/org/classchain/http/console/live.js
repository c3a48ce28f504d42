/*
 * ClassChain console: live updates. The peer's server-sent events (/api/v1/events): blocks,
 * detached blocks and, with the teacher's view token, receipts; reconnects when refused.
 */
import { API } from './api.js';
import { addBlockRow } from './chain.js';
import { $ } from './dom.js';
import { onReceipt, pollPending } from './results.js';
import { refreshRoom, refreshRoomSoon, refreshStatus, renderServedBy } from './room.js';
import { viewQuery } from './session.js';
import { state } from './state.js';

function setLive(on, text) {
  var live = $('live');
  live.classList.toggle('on', on);
  live.classList.toggle('off', !on);
  $('live-text').textContent = text;
}

export function connectEvents() {
  if (!window.EventSource) {
    setLive(false, 'live updates: not supported by this browser, polling');
    return;
  }
  if (state.events) {
    state.events.close();
  }
  var withView = state.view !== null && !state.viewRefused;
  var es = new EventSource(API + '/events' + (withView ? viewQuery() : ''));
  state.events = es;
  es.onopen = function () {
    setLive(true, 'live updates: on');
    if (state.liveWasDown) {
      state.liveWasDown = false;
      pollPending();
      refreshStatus();
      refreshRoom();
    }
  };
  es.onerror = function () {
    if (!state.liveWasDown) {
      refreshStatus(); // is the peer itself gone? then the room is no longer known
    }
    state.liveWasDown = true;
    setLive(false, 'live updates: reconnecting…');
    if (es.readyState === EventSource.CLOSED && state.events === es) {
      // refused (a full peer, or a view token it does not take): the browser gives up, so retry
      if (withView) {
        state.viewRefused = true;
      }
      setTimeout(function () {
        if (state.events === es) {
          connectEvents();
        }
      }, 3000);
    }
  };
  es.addEventListener('block', function (e) {
    var b = JSON.parse(e.data);
    addBlockRow(b, true);
    if (state.self && b.height > state.self.height) {
      state.self.height = b.height;
      renderServedBy();
    }
    refreshRoomSoon();
  });
  es.addEventListener('detached', function (e) {
    var d = JSON.parse(e.data);
    var row = $('blocks').querySelector('tr[data-hash="' + d.hash + '"]');
    if (row) {
      row.remove();
    }
  });
  es.addEventListener('receipt', function (e) {
    onReceipt(JSON.parse(e.data));
  });
}
