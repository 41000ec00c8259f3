// Sandbox-side driver: require, the helpers generated programs call (__orbitDefault, __orbitMember…),
// framework request/response stand-ins built from JSON inputs, and the control object the host
// calls to start a run, advance the virtual clock and collect the trace as a JSON string.

export const PRELUDE_DRIVER = String.raw`
var lazyCache = {}, _hasOwn = Object.prototype.hasOwnProperty;
/* Compiles a module group on first use (see LAZY_GROUPS); helpers arrive in H. */
function lazyGroup(g) {
  if (!(g in lazyCache)) lazyCache[g] = _eval('(function (H) { "use strict"; var ' + LAZY_DECL + ';\n' + LAZY_SRC[g] + '\n})')(H);
  return lazyCache[g];
}
function net(k) { return function () { return lazyGroup('net')[k]; }; }
function db(k) { return function () { return lazyGroup('db')[k]; }; }
function client(k) { return function () { return lazyGroup('net').httpClient(k); }; }
function value(v) { return function () { return v; }; }
function pure(k) { return function () { return lazyGroup('util')[k]; }; }
var jwtMod = { sign: function () { return 'orbit.jwt.token'; }, decode: function () { return null; },
  verify: function () { var e = new _Error('invalid signature'); e.name = 'JsonWebTokenError'; var cb = lastFn(_apply(_arrSlice, arguments, [])); if (cb) { later(cb, [e]); return undefined; } throw e; } };
var fetchMod = G.fetch;
fetchMod.default = G.fetch;
var MODULES = {
  fs: function () { return lazyGroup('fs'); }, 'fs/promises': function () { return lazyGroup('fs').promises; },
  child_process: function () { return lazyGroup('cp'); },
  net: net('net'), tls: net('net'), http: net('http'), https: net('https'), dns: net('dns'), 'dns/promises': function () { return lazyGroup('net').dns.promises; },
  http2: value({ connect: function (u) { effect('network', str(u), [u]); return socketObj(str(u)); } }),
  os: value(osMod), path: pure('path'), 'path/posix': pure('path'), url: pure('url'), querystring: pure('qs'), util: pure('util'), events: value(EventEmitter),
  vm: value(vmMod), timers: value(timersMod), 'timers/promises': value(timersMod.promises), process: value(processObj), buffer: value({ Buffer: Buffer }),
  string_decoder: value({ StringDecoder: function () { this.write = function (b) { return str(b); }; this.end = function () { return ''; }; } }),
  crypto: function () { return lazyGroup('crypto').crypto; }, bcrypt: function () { return lazyGroup('crypto').bcrypt; },
  sqlite3: function () { var m = lazyGroup('db').sqlite3; m.verbose = function () { return m; }; return m; }, 'better-sqlite3': db('betterSqlite'),
  pg: db('pg'), mysql2: db('mysql'), mysql: db('mysql'), 'mysql2/promise': db('mysqlPromise'),
  axios: client('axios'), got: client('got'), request: client('request'), superagent: client('superagent'),
  'node-fetch': value(fetchMod), 'cross-fetch': value(fetchMod), 'isomorphic-fetch': value(fetchMod), jsonwebtoken: value(jwtMod),
  undici: function () { return { fetch: G.fetch, request: lazyGroup('net').clientCall('undici.request') }; },
};
MODULES.bcryptjs = MODULES.argon2 = MODULES.bcrypt;
_defProp(G, 'crypto', { get: function () { return lazyGroup('crypto').crypto.webcrypto; }, set: function (v) { _defProp(G, 'crypto', { value: v, writable: true, configurable: true }); }, configurable: true });
var moduleCache = {};
function requireStub(name) {
  var n = str(name).replace(/^node:/, '');
  if (n in moduleCache) return moduleCache[n];
  if (_apply(_hasOwn, MODULES, [n])) {
    var m = MODULES[n]();
    if (m && (typeof m === 'object' || typeof m === 'function') && !_apply(_WMhas, proxyNames, [m])) _apply(_WMset, proxyNames, [m, 'module ' + n]);
    moduleCache[n] = m;
    return m;
  }
  if (!(n in moduleCache)) moduleCache[n] = recProxy(n, null);
  return moduleCache[n];
}
_defProp(G, 'require', { value: requireStub, writable: true, configurable: true });
_defProp(G, '__orbitDefault', { value: function (m) { return m && m.__esModule ? m.default : m; } });
_defProp(G, '__orbitImport', { value: function (n) { var m = requireStub(n); return _Promise.resolve(Object.assign({ default: m }, m)); } });
var baseThis = recProxy('this', null);
function OrbitBase() {}
OrbitBase.prototype = baseThis;
Object.setPrototypeOf(OrbitBase, baseThis);
_defProp(G, '__orbitBase', { value: OrbitBase });
/* A class with one member stands for a method unit: call it on an object of that class whose
   missing fields are recording proxies. */
_defProp(G, '__orbitMember', { value: function (C, kind) {
  if (kind === 'constructor') return function () { return _construct(C, _apply(_arrSlice, arguments, [])); };
  var target = C.prototype, key = _ownKeys(C.prototype).filter(function (k) { return k !== 'constructor'; })[0];
  if (key === undefined) { target = C; key = _ownKeys(C).filter(function (k) { return k !== 'length' && k !== 'name' && k !== 'prototype'; })[0]; }
  var self = target === C ? C : _create(C.prototype);
  var d = key === undefined ? undefined : _getDesc(target, key);
  if (!d) return function () {};
  if (kind === 'getter' && d.get) return function () { return _apply(d.get, self, []); };
  if (kind === 'setter' && d.set) return function (v) { _apply(d.set, self, [v]); };
  return function () { return _apply(d.value, self, _apply(_arrSlice, arguments, [])); };
} });
_defProp(G, '__orbitFree', { value: function (names) {
  for (var i = 0; i < names.length; i++) if (!(names[i] in G)) G[names[i]] = recProxy(names[i], null);
} });

/* Framework objects from JSON inputs: {"$orbit": "express.req", …} and friends. */
function chainable(prefix, names, extra) {
  var o = extra || {};
  names.forEach(function (n) { o[n] = function () { interact(prefix + '.' + n, _apply(_arrSlice, arguments, [])); return o; }; });
  return o;
}
function headerGetter(h) { return function (k) { return h[str(k).toLowerCase()]; }; }
function build(v, path) {
  if (v === null || typeof v !== 'object') return v;
  if (_isArray(v)) return v.map(function (x, i) { return build(x, path === undefined ? undefined : path + '.' + i); });
  var tag = v.$orbit, o = {}, k;
  for (k in v) if (k !== '$orbit') o[k] = build(v[k], path === undefined ? undefined : path + '.' + k);
  switch (tag) {
    case undefined: return o;
    case 'date': return new _RealDate(v.iso);
    case 'callback': case 'next': { var name = tag; return function () { interact(name, _apply(_arrSlice, arguments, [])); }; }
    case 'express.req': case 'fastify.request': {
      o.headers = o.headers || {}; o.query = o.query || {}; o.params = o.params || {}; o.body = o.body === undefined ? {} : o.body; o.cookies = o.cookies || {};
      // What the client sends is watched for fields the input lacks, so the search can add them.
      if (path !== undefined) ['headers', 'query', 'params', 'body', 'cookies'].forEach(function (part) { o[part] = missProxy(o[part], path + '.' + part); });
      o.get = o.header = headerGetter(o.headers); o.method = o.method || 'GET'; o.ip = o.ip || '203.0.113.7'; o.path = o.path || '/'; o.url = o.url || o.path;
      o.socket = o.connection = { remoteAddress: o.ip }; o.protocol = 'https'; o.hostname = 'app.example.com'; o.session = o.session || {}; o.log = recProxy('req.log', 'log');
      o.is = function () { return false; }; o.accepts = function () { return true; };
      return o;
    }
    case 'express.res': {
      var res = chainable('res', ['status', 'json', 'send', 'end', 'set', 'header', 'setHeader', 'cookie', 'clearCookie', 'redirect', 'type', 'sendStatus', 'render', 'location', 'attachment', 'append', 'vary', 'format', 'links', 'writeHead', 'write', 'jsonp']);
      res.sendFile = res.download = function (p) { effect('fs-read', str(p), [p]); interact('res.sendFile', [p]); return res; };
      res.locals = {}; res.headersSent = false; res.statusCode = 200; res.getHeader = function () { return undefined; }; res.on = function () { return res; };
      return res;
    }
    case 'fastify.reply': {
      var reply = chainable('reply', ['code', 'status', 'send', 'header', 'headers', 'type', 'redirect', 'setCookie', 'clearCookie', 'serialize', 'hijack']);
      reply.sendFile = function (p) { effect('fs-read', str(p), [p]); interact('reply.sendFile', [p]); return reply; };
      reply.raw = recProxy('reply.raw', 'log'); reply.log = recProxy('reply.log', 'log');
      return reply;
    }
    case 'koa.ctx': {
      var ctx = {}, req = build(Object.assign({ $orbit: 'express.req' }, v.request || {}), path === undefined ? undefined : path + '.request');
      ['headers', 'query', 'body', 'cookies'].forEach(function (k) { if (o[k] && typeof o[k] === 'object') req[k] = Object.assign(req[k] && typeof req[k] === 'object' ? req[k] : {}, o[k]); });
      var body, status = 404;
      ctx.request = req; ctx.req = req; ctx.query = req.query; ctx.params = o.params || req.params; ctx.headers = ctx.header = req.headers;
      ctx.get = req.get; ctx.method = req.method; ctx.path = req.path; ctx.url = req.url; ctx.ip = req.ip; ctx.state = o.state || {}; ctx.session = o.session || {};
      ctx.cookies = { get: function (k) { return (req.cookies || {})[k]; }, set: function () { interact('ctx.cookies.set', _apply(_arrSlice, arguments, [])); } };
      ctx.response = {};
      _defProp(ctx, 'body', { get: function () { return body; }, set: function (b) { body = b; interact('ctx.body', [b]); if (status === 404) status = 200; }, enumerable: true });
      _defProp(ctx, 'status', { get: function () { return status; }, set: function (s) { status = s; interact('ctx.status', [s]); }, enumerable: true });
      ctx.set = function () { interact('ctx.set', _apply(_arrSlice, arguments, [])); };
      ctx.redirect = function (u) { interact('ctx.redirect', [u]); };
      ctx.throw = function (s, m) { interact('ctx.throw', [s, m]); var e = new _Error(str(m || 'HTTP ' + s)); e.status = s; throw e; };
      ctx.assert = function (c, s, m) { if (!c) { interact('ctx.throw', [s, m]); var e = new _Error(str(m || 'HTTP ' + s)); e.status = s; throw e; } };
      return ctx;
    }
  }
  return o;
}

var settled = null;
var control = {
  /* Takes one run's settings. The engine is restored to the state it had right after this prelude
     ran before every run, so only what the settings change is set here. */
  configure: function (json) {
    var c = _parse(json);
    _keys(c).forEach(function (k) { CFG[k] = c[k]; });
    clock.now = CFG.now;
    seed = CFG.seed >>> 0;
    _keys(CFG.env).forEach(function (k) { envTarget[k] = CFG.env[k]; });
    processObj.argv = ['/usr/bin/node', '/app/server.js'].concat(CFG.argv);
    G.performance.timeOrigin = CFG.now;
  },
  /* Runs the module function (header and unit), then calls the unit on the inputs. */
  start: function (moduleFn) {
    var mod = { exports: {} };
    var args = _parse(CFG.argsJson).map(function (a, i) {
      var b = build(a, String(i));
      return a && typeof a === 'object' && !_isArray(a) && !a.$orbit ? missProxy(b, String(i)) : b;
    });
    try {
      __orbitFree(CFG.freeNames);
      var fn = _apply(moduleFn, mod.exports, [mod.exports, requireStub, mod, '/app/src/unit.js', '/app/src']);
      if (typeof fn !== 'function') fn = mod.exports;
      if (typeof fn !== 'function' && fn && typeof fn.default === 'function') fn = fn.default;
      if (typeof fn !== 'function') { settled = { kind: 'throw', error: 'The program does not define a function to call.' }; return; }
      var self = CFG.call === 'function' ? undefined : baseThis;
      // Earlier calls build up module state (counters, caches); only the last one is recorded.
      for (var i = 0; i < CFG.repeat; i++) {
        effects.length = 0;
        try {
          var early = _apply(fn, self, build(_parse(CFG.argsJson)));
          if (early && typeof early.then === 'function' && !_apply(_WMhas, proxyNames, [early])) early.then(undefined, function () {});
        } catch (e) { if (e instanceof LimitError) throw e; }
      }
      effects.length = 0; steps.length = 0; interactions.length = 0; comparisons.length = 0; cmpSeen = {}; conds.length = 0; condSeen = {}; state.stepBytes = 0; state.truncated = false; clock.readLogged = false;
      var r = _apply(fn, self, args);
      if (r && typeof r === 'object' && typeof r.then === 'function' && !_apply(_WMhas, proxyNames, [r])) {
        settled = null;
        _Promise.resolve(r).then(function (v) { settled = { kind: 'return', value: ser(v) }; }, function (e) { settled = thrown(e); });
      } else settled = { kind: 'return', value: ser(r) };
    } catch (e) { settled = thrown(e); }
  },
  /* Fires the next due timer; false when there is nothing left to fire. */
  advance: function () {
    if (!clock.timers.length || clock.fired >= CFG.maxTimers) return false;
    clock.timers.sort(function (a, b) { return a.due - b.due || a.id - b.id; });
    var t = clock.timers.shift();
    if (t.due > clock.now) clock.now = t.due;
    clock.fired++;
    if (t.every) { t.due = clock.now + t.every; clock.timers.push(t); }
    try { _apply(t.fn, undefined, t.args); } catch (e) { if (e instanceof LimitError) throw e; if (!settled) settled = thrown(e); }
    return true;
  },
  /* Writes the trace as JSON with traceJson, so nothing the program defined runs here. A trace
     over CFG.maxJsonChars keeps its effects' kinds, targets and lines and ends in a trace-size limit. */
  finish: function () {
    var outcome = state.limit ? record(['kind', 'limit', 'limit', state.limit]) : settled || record(['kind', 'throw', 'error', 'The function did not settle: its promise is still pending.']);
    var trace = record(['steps', steps, 'effects', effects, 'outcome', outcome, 'truncated', state.truncated ? true : undefined,
      'interactions', interactions.length ? interactions : undefined, 'comparisons', comparisons.length ? comparisons : undefined,
      'conditions', conds.length ? conds : undefined]);
    try { return traceJson(trace, CFG.maxJsonChars); } catch (e) { if (!(e instanceof TooLong)) throw e; }
    var bare = [];
    for (var i = 0; i < effects.length; i++) push(bare, record(['kind', effects[i].kind, 'target', effects[i].target, 'args', [], 'line', effects[i].line]));
    return traceJson(record(['steps', [], 'effects', bare, 'outcome', record(['kind', 'limit', 'limit', 'trace-size']), 'truncated', true]), CFG.maxJsonChars);
  },
  isSettled: function () { return settled !== null; },
};
function thrown(e) {
  if (e instanceof LimitError) return { kind: 'limit', limit: e.orbitLimit };
  var msg;
  try { msg = e instanceof _Error ? str(e.name) + ': ' + str(e.message) : 'thrown ' + plainJson(ser(e), 1000); } catch (x) { msg = 'thrown value'; }
  if (/out of memory/i.test(msg)) return { kind: 'limit', limit: 'memory' };
  if (/stack overflow|Maximum call stack/i.test(msg)) return { kind: 'limit', limit: 'memory' };
  return { kind: 'throw', error: slice(msg, 0, 500) };
}
`;
