// Sandbox-side pure modules that QuickJS lacks and backends expect: Buffer (utf8/base64/hex),
// atob/btoa, TextEncoder/TextDecoder, URL and URLSearchParams, path, querystring, a SHA-256 for
// crypto hashes, util and events. JavaScript in a string, evaluated inside the sandbox.

export const PRELUDE_PURE = String.raw`
var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
var B64_INDEX = {};
for (var b64i = 0; b64i < 64; b64i++) B64_INDEX[B64[b64i]] = b64i;
function utf8Encode(s) {
  var out = [];
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) { c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00); }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}
function utf8Decode(b) {
  var s = '';
  for (var i = 0; i < b.length; i++) {
    var c = b[i];
    if (c >= 0xf0 && i + 3 < b.length) { c = ((c & 7) << 18) | ((b[++i] & 63) << 12) | ((b[++i] & 63) << 6) | (b[++i] & 63); }
    else if (c >= 0xe0 && i + 2 < b.length) { c = ((c & 15) << 12) | ((b[++i] & 63) << 6) | (b[++i] & 63); }
    else if (c >= 0xc0 && i + 1 < b.length) { c = ((c & 31) << 6) | (b[++i] & 63); }
    s += String.fromCodePoint(c);
  }
  return s;
}
function b64Decode(s) {
  s = String(s).replace(/[^A-Za-z0-9+/_-]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  var out = [], buf = 0, bits = 0;
  for (var i = 0; i < s.length; i++) {
    buf = (buf << 6) | B64_INDEX[s[i]]; bits += 6;
    if (bits >= 8) { bits -= 8; out.push((buf >> bits) & 255); }
  }
  return out;
}
function b64Encode(b) {
  var s = '';
  for (var i = 0; i < b.length; i += 3) {
    var n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return s;
}
function bytesOf(v, enc) {
  if (typeof v === 'string') {
    enc = (enc || 'utf8').toLowerCase();
    if (enc === 'base64' || enc === 'base64url') return b64Decode(v);
    if (enc === 'hex') { var o = []; for (var i = 0; i + 1 < v.length; i += 2) o.push(parseInt(v.substr(i, 2), 16)); return o; }
    if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') { var l = []; for (var j = 0; j < v.length; j++) l.push(v.charCodeAt(j) & 255); return l; }
    return utf8Encode(v);
  }
  if (v && typeof v.length === 'number') return Array.prototype.slice.call(v);
  return [];
}
class Buffer extends Uint8Array {
  static from(v, enc) { var b = bytesOf(v, enc); var r = new Buffer(b.length); r.set(b); return r; }
  static alloc(n, fill) { var r = new Buffer(Math.max(0, Math.min(n | 0, 1 << 24))); if (fill) r.fill(typeof fill === 'number' ? fill : 0); return r; }
  static allocUnsafe(n) { return Buffer.alloc(n); }
  static isBuffer(b) { return b instanceof Buffer; }
  static byteLength(s, enc) { return bytesOf(s, enc).length; }
  static concat(list) { var all = []; for (var i = 0; i < list.length; i++) all = all.concat(Array.prototype.slice.call(list[i])); return Buffer.from(all); }
  toString(enc, start, end) {
    var b = Array.prototype.slice.call(this, start || 0, end === undefined ? this.length : end);
    enc = (enc || 'utf8').toLowerCase();
    if (enc === 'base64') return b64Encode(b);
    if (enc === 'base64url') return b64Encode(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    if (enc === 'hex') return b.map(function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
    if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return b.map(function (x) { return String.fromCharCode(x); }).join('');
    return utf8Decode(b);
  }
  toJSON() { return { type: 'Buffer', data: Array.prototype.slice.call(this) }; }
  equals(o) { if (!o || o.length !== this.length) return false; for (var i = 0; i < this.length; i++) if (this[i] !== o[i]) return false; return true; }
  slice(a, b) { return Buffer.from(Array.prototype.slice.call(this, a, b)); }
  write(s) { var b = utf8Encode(s); this.set(b.slice(0, this.length)); return Math.min(b.length, this.length); }
}
G.Buffer = Buffer;
G.atob = function (s) { return b64Decode(s).map(function (x) { return String.fromCharCode(x); }).join(''); };
G.btoa = function (s) { return b64Encode(bytesOf(String(s), 'latin1')); };
G.TextEncoder = class TextEncoder { encode(s) { return Uint8Array.from(utf8Encode(String(s === undefined ? '' : s))); } };
G.TextDecoder = class TextDecoder { decode(b) { return b ? utf8Decode(Array.prototype.slice.call(b)) : ''; } };

class URLSearchParams {
  constructor(init) {
    this._p = [];
    if (typeof init === 'string') {
      init.replace(/^\?/, '').split('&').forEach((kv) => {
        if (!kv) return;
        var i = kv.indexOf('='), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? '' : kv.slice(i + 1);
        this._p.push([dec(k), dec(v)]);
      });
    } else if (init && typeof init === 'object') Object.keys(init).forEach((k) => this._p.push([k, String(init[k])]));
  }
  get(k) { var e = this._p.find((p) => p[0] === k); return e ? e[1] : null; }
  getAll(k) { return this._p.filter((p) => p[0] === k).map((p) => p[1]); }
  has(k) { return this._p.some((p) => p[0] === k); }
  set(k, v) { this.delete(k); this._p.push([k, String(v)]); }
  append(k, v) { this._p.push([k, String(v)]); }
  delete(k) { this._p = this._p.filter((p) => p[0] !== k); }
  forEach(f) { this._p.forEach((p) => f(p[1], p[0], this)); }
  entries() { return this._p.map((p) => [p[0], p[1]])[Symbol.iterator](); }
  keys() { return this._p.map((p) => p[0])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this._p.map((p) => encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1])).join('&'); }
}
function dec(s) { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; } }
class URL {
  constructor(u, base) {
    u = String(u);
    if (base !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(u)) {
      var b = new URL(base);
      u = u.startsWith('/') ? b.origin + u : b.origin + b.pathname.replace(/[^/]*$/, '') + u;
    }
    var m = /^([a-z][a-z0-9+.-]*:)(\/\/(([^:@/]*)(:([^@/]*))?@)?([^:/?#]*)(:(\d+))?)?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(u);
    if (!m) throw new TypeError('Invalid URL: ' + u);
    this.protocol = m[1].toLowerCase(); this.username = m[4] || ''; this.password = m[6] || '';
    this.hostname = (m[7] || '').toLowerCase(); this.port = m[9] || '';
    this.pathname = m[10] || (m[2] ? '/' : ''); this.search = m[11] && m[11] !== '?' ? m[11] : ''; this.hash = m[12] || '';
    this.searchParams = new URLSearchParams(this.search);
  }
  get host() { return this.hostname + (this.port ? ':' + this.port : ''); }
  get origin() { return this.protocol + '//' + this.host; }
  get href() { var q = this.searchParams.toString(); return this.origin + this.pathname + (q ? '?' + q : '') + this.hash; }
  toString() { return this.href; }
  toJSON() { return this.href; }
}
G.URL = URL; G.URLSearchParams = URLSearchParams;


class EventEmitter {
  constructor() { this._ev = {}; }
  on(e, f) { (this._ev[e] = this._ev[e] || []).push(f); return this; }
  once(e, f) { return this.on(e, f); }
  addListener(e, f) { return this.on(e, f); }
  off(e, f) { this._ev[e] = (this._ev[e] || []).filter(function (g) { return g !== f; }); return this; }
  removeListener(e, f) { return this.off(e, f); }
  removeAllListeners() { this._ev = {}; return this; }
  emit(e) { var a = Array.prototype.slice.call(arguments, 1); (this._ev[e] || []).slice().forEach((f) => f.apply(this, a)); return true; }
  listenerCount(e) { return (this._ev[e] || []).length; }
  setMaxListeners() { return this; }
}
EventEmitter.EventEmitter = EventEmitter;
`;

/** Pure modules compiled on first require (see LAZY_GROUPS in prelude-stubs). */
export const PURE_UTIL_GROUP = String.raw`
var pathMod = {
  sep: '/', delimiter: ':',
  normalize: function (p) {
    var abs = p.startsWith('/'), out = [];
    p.split('/').forEach(function (s) { if (s === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!abs) out.push('..'); } else if (s && s !== '.') out.push(s); });
    var r = (abs ? '/' : '') + out.join('/'); return r || (abs ? '/' : '.');
  },
  join: function () { return pathMod.normalize(Array.prototype.filter.call(arguments, function (s) { return s !== ''; }).map(String).join('/')); },
  resolve: function () { var r = '/app'; for (var i = 0; i < arguments.length; i++) { var s = String(arguments[i]); r = s.startsWith('/') ? s : r + '/' + s; } return pathMod.normalize(r); },
  isAbsolute: function (p) { return String(p).startsWith('/'); },
  basename: function (p, ext) { var b = String(p).replace(/\/+$/, '').split('/').pop(); return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b; },
  dirname: function (p) { var s = String(p).replace(/\/+$/, ''); var i = s.lastIndexOf('/'); return i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i); },
  extname: function (p) { var b = pathMod.basename(p); var i = b.lastIndexOf('.'); return i <= 0 ? '' : b.slice(i); },
  relative: function (a, b) { a = pathMod.resolve(a).split('/').filter(Boolean); b = pathMod.resolve(b).split('/').filter(Boolean); var i = 0; while (i < a.length && a[i] === b[i]) i++; return a.slice(i).map(function () { return '..'; }).concat(b.slice(i)).join('/'); },
  parse: function (p) { var base = pathMod.basename(p), ext = pathMod.extname(p); return { root: String(p).startsWith('/') ? '/' : '', dir: pathMod.dirname(p), base: base, ext: ext, name: ext ? base.slice(0, -ext.length) : base }; },
  format: function (o) { return (o.dir ? o.dir + '/' : '') + (o.base || (o.name || '') + (o.ext || '')); },
};
pathMod.posix = pathMod; pathMod.win32 = pathMod;
var qsMod = {
  parse: function (s) { var o = {}; new URLSearchParams(String(s || '')).forEach(function (v, k) { o[k] = k in o ? [].concat(o[k], v) : v; }); return o; },
  stringify: function (o) { return Object.keys(o || {}).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(o[k]); }).join('&'); },
  escape: encodeURIComponent, unescape: dec,
};
qsMod.decode = qsMod.parse; qsMod.encode = qsMod.stringify;
var urlMod = {
  URL: URL, URLSearchParams: URLSearchParams,
  parse: function (s, parseQuery) { var u = new URL(s, 'http://localhost'); return { protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port || null, pathname: u.pathname, search: u.search, query: parseQuery ? qsMod.parse(u.search.slice(1)) : u.search.slice(1), hash: u.hash, href: String(s) }; },
  format: function (u) { return typeof u === 'string' ? u : u.href || ((u.protocol || 'http:') + '//' + (u.host || u.hostname || '') + (u.pathname || '')); },
  fileURLToPath: function (u) { return String(u).replace(/^file:\/\//, ''); },
  pathToFileURL: function (p) { return new URL('file://' + p); },
};
var utilMod = {
  format: function () { return Array.prototype.map.call(arguments, function (a) { return typeof a === 'string' ? a : _stringify(ser(a)); }).join(' '); },
  inspect: function (a) { return typeof a === 'string' ? a : _stringify(ser(a)); },
  promisify: function (fn) {
    return function () { var args = Array.prototype.slice.call(arguments), self = this; return new Promise(function (res, rej) { args.push(function (err, v) { if (err) rej(err); else res(v); }); fn.apply(self, args); }); };
  },
  inherits: function (c, p) { Object.setPrototypeOf(c.prototype, p.prototype); },
  isDeepStrictEqual: function (a, b) { return _stringify(ser(a)) === _stringify(ser(b)); },
  types: { isPromise: function (p) { return p instanceof Promise; }, isDate: function (d) { return d instanceof _RealDate; } },
  TextEncoder: G.TextEncoder, TextDecoder: G.TextDecoder,
};
return { path: pathMod, qs: qsMod, url: urlMod, util: utilMod };
`;

/** SHA-256 over a byte array; compiled with the crypto group, its only user. */
export const SHA256_SOURCE = String.raw`
function sha256Bytes(bytes) {
  var K = [], H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var primes = 0, n = 2;
  while (primes < 64) { var ip = true; for (var d = 2; d * d <= n; d++) if (n % d === 0) { ip = false; break; } if (ip) { K.push((Math.pow(n, 1 / 3) % 1) * 4294967296 | 0); primes++; } n++; }
  var m = bytes.slice(), l = m.length * 8; m.push(0x80); while (m.length % 64 !== 56) m.push(0);
  for (var s = 56; s >= 0; s -= 8) m.push(s >= 32 ? 0 : (l >>> s) & 255);
  var W = new Array(64);
  for (var o = 0; o < m.length; o += 64) {
    for (var t = 0; t < 16; t++) W[t] = (m[o + 4 * t] << 24) | (m[o + 4 * t + 1] << 16) | (m[o + 4 * t + 2] << 8) | m[o + 4 * t + 3];
    for (t = 16; t < 64; t++) {
      var a0 = W[t - 15], a1 = W[t - 2];
      var s0 = ((a0 >>> 7) | (a0 << 25)) ^ ((a0 >>> 18) | (a0 << 14)) ^ (a0 >>> 3);
      var s1 = ((a1 >>> 17) | (a1 << 15)) ^ ((a1 >>> 19) | (a1 << 13)) ^ (a1 >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], dd = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (t = 0; t < 64; t++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + dd) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }
  var out = [];
  H.forEach(function (x) { out.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255); });
  return out;
}
`;
