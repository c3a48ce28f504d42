/*
 * ClassChain console: the page's state, one object shared by its modules (the room, the session,
 * the commands sent and their receipts, the blocks loaded).
 */
export var state = {
  self: null,
  room: [],
  selected: new Set(),
  modules: [],
  client: null,
  role: null,
  sendChain: Promise.resolve(),
  commands: new Map(),
  thumbs: new Map(),
  lastThumbRequest: 0,
  /** How many times the thumbnails were asked again (each a request per computer, never a command). */
  thumbRefreshes: 0,
  roomTimer: null,
  orphans: new Map(),
  lowestLoaded: null,
  liveWasDown: false,
  accounts: [],
  events: null,
  view: null,
  viewRefused: false,
  hostSkew: 0,
  peerDown: null,
  fastUntil: 0,
  blocks: new Map(),
  /** The lowest block read for computers' states, once signed in (undefined: not yet). */
  historyFrom: undefined
};
