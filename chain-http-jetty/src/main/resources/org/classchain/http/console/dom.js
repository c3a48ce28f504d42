/*
 * ClassChain console: small DOM and formatting helpers shared by every module of the page.
 */
export function $(id) {
  return document.getElementById(id);
}

export function el(tag, attrs, children) {
  var e = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      if (k === 'text') {
        e.textContent = attrs[k];
      } else if (k === 'className') {
        e.className = attrs[k];
      } else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) {
        e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    });
  }
  (children || []).forEach(function (c) {
    if (c !== null && c !== undefined) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
  });
  return e;
}

export function short(id) {
  return id ? String(id).slice(0, 8) : '?';
}

export function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : '';
}

export function dateTime(ms) {
  return ms ? new Date(ms).toLocaleString() : '';
}

export function ago(ms) {
  if (!ms) {
    return 'never';
  }
  var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) {
    return s + ' s ago';
  }
  if (s < 3600) {
    return Math.round(s / 60) + ' min ago';
  }
  return time(ms);
}

export function show(node, visible) {
  node.hidden = !visible;
}
