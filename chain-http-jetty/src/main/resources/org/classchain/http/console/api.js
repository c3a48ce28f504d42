/*
 * ClassChain console: the one way the page talks to its peer, GET/POST under /api/v1, with
 * errors as ApiError (HTTP status, the peer's message, Retry-After). Whether the peer answers
 * is reported to the one listener set with onReachability (the room shows it).
 */
export var API = '/api/v1';

var reachability = { answered: function () {}, silent: function () {} };

/** Who hears that the peer answered (any HTTP status) or could not be reached: {answered(), silent()}. */
export function onReachability(listener) {
  reachability = listener;
}

/** An answer other than 2xx: the HTTP status, the peer's message and when to retry. */
export function ApiError(status, message, retryAfter) {
  this.status = status;
  this.message = message;
  this.retryAfter = retryAfter;
}

export function api(method, path, body) {
  var init = { method: method, cache: 'no-store', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return fetch(API + path, init).then(function (r) {
    return r.text().then(function (text) {
      var data = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch (e) {
        data = null;
      }
      reachability.answered();
      if (!r.ok) {
        var retry = Number(r.headers.get('Retry-After')) || (data && data.retryAfterSeconds) || 0;
        throw new ApiError(r.status, (data && data.error) || r.statusText || 'request failed', retry);
      }
      return data;
    });
  }, function () {
    reachability.silent();
    throw new ApiError(0, 'this peer cannot be reached', 0);
  });
}
