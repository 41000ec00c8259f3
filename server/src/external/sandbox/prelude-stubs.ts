// Sandbox-side recording stubs for every host capability a backend reaches for: timers on a virtual
// clock, Date, eval/Function/vm, process, os, fs, child_process, net/http/https/dns/tls, fetch,
// HTTP clients, database drivers and crypto. Each call is recorded as an Effect.
// The larger groups are kept as source text and compiled on first require: most units touch one
// or two of them, and parsing is the biggest part of starting a run.

import { PURE_UTIL_GROUP, SHA256_SOURCE } from './prelude-pure';

export const PRELUDE_STUBS = String.raw`
/* Virtual clock: timers fire in order of due time when the host advances the clock. */
var clock = { now: CFG.now, timers: [], nextId: 1, fired: 0, readLogged: false };
function readClock() { if (!clock.readLogged) { clock.readLogged = true; effect('time', 'Date', []); } return clock.now; }
function addTimer(fn, ms, args, repeat) {
  if (typeof fn !== 'function') return 0;
  var id = clock.nextId++;
  ms = Math.max(0, Number(ms) || 0);
  effect('time', repeat ? 'setInterval' : 'setTimeout', [ms]);
  clock.timers.push({ id: id, due: clock.now + ms, fn: fn, args: args, every: repeat ? Math.max(1, ms) : 0 });
  return id;
}
function clearTimer(id) { clock.timers = clock.timers.filter(function (t) { return t.id !== (id && id.id !== undefined ? id.id : id); }); }
G.setTimeout = function (fn, ms) { return addTimer(fn, ms, _apply(_arrSlice, arguments, [2]), false); };
G.setInterval = function (fn, ms) { return addTimer(fn, ms, _apply(_arrSlice, arguments, [2]), true); };
G.setImmediate = function (fn) { return addTimer(fn, 0, _apply(_arrSlice, arguments, [1]), false); };
G.clearTimeout = G.clearInterval = G.clearImmediate = clearTimer;
G.queueMicrotask = function (fn) { _Promise.resolve().then(fn); };
var timersMod = { setTimeout: G.setTimeout, setInterval: G.setInterval, setImmediate: G.setImmediate, clearTimeout: clearTimer, clearInterval: clearTimer };
timersMod.promises = { setTimeout: function (ms, v) { return new _Promise(function (r) { addTimer(function () { r(v); }, ms, [], false); }); } };

/* A controllable Date: no-argument construction and Date.now read the virtual clock. */
function FakeDate() {
  var a = _apply(_arrSlice, arguments, []);
  if (!new.target) return new _RealDate(readClock()).toString();
  return _construct(_RealDate, a.length ? a : [readClock()], new.target);
}
FakeDate.prototype = _RealDate.prototype;
_defProp(_RealDate.prototype, 'constructor', { value: FakeDate, writable: true, configurable: true });
FakeDate.now = function () { return readClock(); };
FakeDate.parse = _RealDate.parse; FakeDate.UTC = _RealDate.UTC;
G.Date = FakeDate;
G.performance = { now: function () { return clock.now - CFG.now; }, timeOrigin: CFG.now };

/* Math.random is seeded so every run of a unit is repeatable. */
var seed = CFG.seed >>> 0;
Math.random = function () { if (CFG.random !== null) return CFG.random; seed = (seed + 0x6d2b79f5) >>> 0; var t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };

/* eval, Function and its async/generator siblings record the code, then run it for real inside
   the sandbox so decoded payloads keep running and their effects are seen too. */
function recordedEval(code) { effect('eval', 'eval', [code]); return typeof code === 'string' ? _eval(code) : code; }
G.eval = recordedEval;
function wrapCtor(Real, label) {
  var W = function () { var a = _apply(_arrSlice, arguments, []); effect('eval', label, a); return _apply(Real, undefined, a); };
  W.prototype = Real.prototype;
  _defProp(Real.prototype, 'constructor', { value: W, writable: false, configurable: false });
  return W;
}
G.Function = wrapCtor(_Function, 'Function');
wrapCtor(_getProto(async function () {}).constructor, 'AsyncFunction');
wrapCtor(_getProto(function* () {}).constructor, 'GeneratorFunction');
wrapCtor(_getProto(async function* () {}).constructor, 'AsyncGeneratorFunction');
var vmMod = {
  runInNewContext: function (c) { effect('eval', 'vm.runInNewContext', [c]); return _eval(String(c)); },
  runInThisContext: function (c) { effect('eval', 'vm.runInThisContext', [c]); return _eval(String(c)); },
  runInContext: function (c) { effect('eval', 'vm.runInContext', [c]); return _eval(String(c)); },
  compileFunction: function (c, params) { effect('eval', 'vm.compileFunction', [c]); return _apply(_Function, undefined, (params || []).concat([String(c)])); },
  createContext: function (o) { return o || {}; }, isContext: function () { return true; },
  Script: function (c) { this.runInNewContext = this.runInThisContext = this.runInContext = function () { effect('eval', 'vm.Script', [c]); return _eval(String(c)); }; },
};

/* process: env reads are effects; the environment is fake, with recognisable secret values. */
var envTarget = {};
_keys(CFG.env).forEach(function (k) { envTarget[k] = CFG.env[k]; });
var envProxy = new _Proxy(envTarget, {
  get: function (t, k) { if (typeof k !== 'string' || k === 'toJSON' || k === 'then' || k === 'constructor') return undefined; effect('env', k, []); return t[k]; },
  set: function (t, k, v) { t[k] = str(v); return true; },
  ownKeys: function (t) { effect('env', '*', []); return _ownKeys(t); },
  has: function (t, k) { effect('env', str(k), []); return k in t; },
});
function exitError(code) { var e = new _Error('process.exit(' + code + ')'); e.orbitExit = true; return e; }
var processObj = new EventEmitter();
Object.assign(processObj, {
  env: envProxy, argv: ['/usr/bin/node', '/app/server.js'].concat(CFG.argv), execArgv: [], pid: 4242, ppid: 1, arch: 'x64',
  platform: 'linux', version: 'v20.0.0', versions: { node: '20.0.0' }, title: 'node', execPath: '/usr/bin/node', exitCode: undefined,
  release: { name: 'node' }, stdout: recProxy('process.stdout', 'log'), stderr: recProxy('process.stderr', 'log'), stdin: recProxy('process.stdin', 'log'),
  cwd: function () { return '/app'; }, chdir: function (d) { effect('process', 'process.chdir', [d]); },
  exit: function (c) { effect('process', 'process.exit', [c]); state.exited = c === undefined ? 0 : c; throw exitError(c); },
  kill: function (pid, sig) { effect('process', 'process.kill', [pid, sig]); return true; },
  abort: function () { effect('process', 'process.abort', []); throw exitError('abort'); },
  dlopen: function (m, f) { effect('process', 'process.dlopen', [f]); }, binding: function (n) { effect('process', 'process.binding', [n]); return recProxy('binding.' + n, 'process'); },
  nextTick: function (fn) { var a = _apply(_arrSlice, arguments, [1]); _Promise.resolve().then(function () { _apply(fn, undefined, a); }); },
  hrtime: Object.assign(function () { var n = clock.now - CFG.now; return [Math.floor(n / 1000), (n % 1000) * 1e6]; }, { bigint: function () { return BigInt(clock.now - CFG.now) * 1000000n; } }),
  uptime: function () { return (clock.now - CFG.now) / 1000 + 100; },
  memoryUsage: function () { return { rss: 5e7, heapTotal: 2e7, heapUsed: 1e7, external: 0 }; },
  cpuUsage: function () { return { user: 0, system: 0 }; }, umask: function () { return 18; }, getuid: function () { return 1000; },
  emitWarning: function () {},
});
G.process = processObj;
var osMod = {};
[['hostname', 'orbit-host'], ['homedir', '/home/app'], ['tmpdir', '/tmp'], ['platform', 'linux'], ['type', 'Linux'], ['release', '6.0.0'], ['arch', 'x64'],
 ['userInfo', { username: 'app', uid: 1000, gid: 1000, homedir: '/home/app', shell: '/bin/sh' }], ['networkInterfaces', { eth0: [{ address: '10.0.0.5', family: 'IPv4' }] }],
 ['cpus', [{ model: 'cpu', speed: 2000 }]], ['totalmem', 8e9], ['freemem', 4e9], ['uptime', 1000], ['loadavg', [0, 0, 0]]].forEach(function (e) {
  osMod[e[0]] = function () { effect('env', 'os.' + e[0], []); return e[1] && typeof e[1] === 'object' ? _parse(_stringify(e[1])) : e[1]; };
});
osMod.EOL = '\n';

/* Callbacks and promises of asynchronous stubs settle on the virtual clock, never for real. */
function later(cb, args) { if (typeof cb === 'function') addTimer(cb, 0, args, false); }
function lastFn(args) { return typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null; }
function fileText(p) { p = str(p); return /\.json$/.test(p) ? '{"name":"orbit","version":"1.0.0"}' : /\.(env)$/.test(p) ? 'SECRET=orbit-file-secret' : 'orbit-file:' + p; }
/* Network: every request, connection and payload is recorded; responses are small and fixed. */
var REMOTE = 'orbit-remote-content';
function hostOf(o) { if (typeof o === 'string' || o instanceof URL) return str(o); if (o && typeof o === 'object') { return (o.protocol || 'http:') + '//' + (o.hostname || o.host || 'localhost') + (o.port ? ':' + o.port : '') + (o.path || '/'); } return str(o); }
function socketObj(target) { var s = new EventEmitter(); s.write = function (d) { effect('network', target, [d]); return true; }; s.end = function (d) { if (d !== undefined) effect('network', target, [d]); }; s.destroy = s.setEncoding = s.setTimeout = s.setKeepAlive = s.unref = function () { return s; }; s.pipe = function (d) { return d; }; return s; }
function responseObj() { var r = new EventEmitter(); r.statusCode = 200; r.headers = {}; r.setEncoding = function () {}; r.pipe = function (d) { return d; }; /* A tick after the response callback, so the listeners it attaches hear the body. */ addTimer(function () { r.emit('data', REMOTE); r.emit('end'); }, 1, [], false); return r; }
function fetchResponse(url) {
  return { ok: true, status: 200, statusText: 'OK', url: url, headers: { get: function () { return null; } },
    text: function () { return _Promise.resolve(REMOTE); }, json: function () { return _Promise.resolve({ data: REMOTE }); },
    arrayBuffer: function () { return _Promise.resolve(Buffer.from(REMOTE).buffer); }, blob: function () { return _Promise.resolve({}); } };
}
G.fetch = function (u, o) { var t = hostOf(u); effect('network', t, o === undefined ? [u] : [u, o]); return _Promise.resolve(fetchResponse(t)); };
G.Headers = function (h) { var m = {}; if (h) _keys(h).forEach(function (k) { m[k.toLowerCase()] = h[k]; }); this.get = function (k) { return m[str(k).toLowerCase()] || null; }; this.set = function (k, v) { m[str(k).toLowerCase()] = v; }; };
G.Request = function (u, o) { this.url = str(u); this.method = (o && o.method) || 'GET'; };
G.Response = function (b, o) { this.body = b; this.status = (o && o.status) || 200; };
var con = {};
['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'].forEach(function (k) { con[k] = function () { effect('log', 'console.' + k, _apply(_arrSlice, arguments, [])); }; });
con.time = con.timeEnd = con.group = con.groupEnd = con.assert = function () {};
G.console = con;
`;

/** Names of prelude helpers a lazily compiled group may use; they are handed over in one object. */
export const LAZY_HELPERS = [
  'CFG', 'G', 'effect', 'str', 'ser', 'later', 'lastFn', 'hostOf', 'socketObj', 'responseObj', 'fileText', 'REMOTE',
  'EventEmitter', 'Buffer', 'URL', 'URLSearchParams', 'dec', 'bytesOf', 'recProxy', 'addTimer', 'clock', 'fetchResponse',
  '_apply', '_arrSlice', '_join', '_map', '_isArray', '_keys', '_parse', '_stringify', '_Promise', '_RealDate', '_Error',
];

/** Module groups compiled on first use; each body ends by returning its modules. */
export const LAZY_GROUPS: Record<string, string> = {
  util: PURE_UTIL_GROUP,
  fs: String.raw`
var fsMod = {}, fsPromises = {};
['readFile', 'readdir', 'stat', 'lstat', 'access', 'exists', 'realpath', 'readlink', 'open', 'opendir'].forEach(function (n) {
  var result = function (p) { return n === 'readFile' ? fileText(p) : n === 'readdir' ? ['a.txt', 'b.txt'] : /stat/.test(n) ? statObj() : n === 'exists' ? true : n === 'open' ? 3 : n === 'realpath' ? str(p) : undefined; };
  fsMod[n + 'Sync'] = function (p) { effect('fs-read', str(p), _apply(_arrSlice, arguments, [])); return result(p); };
  fsMod[n] = function (p) { var a = _apply(_arrSlice, arguments, []); effect('fs-read', str(p), a.filter(function (x) { return typeof x !== 'function'; })); later(lastFn(a), n === 'exists' ? [true] : [null, result(p)]); };
  fsPromises[n] = function (p) { effect('fs-read', str(p), _apply(_arrSlice, arguments, [])); return _Promise.resolve(result(p)); };
});
['writeFile', 'appendFile', 'mkdir', 'unlink', 'rm', 'rmdir', 'rename', 'copyFile', 'chmod', 'chown', 'symlink', 'link', 'truncate', 'utimes', 'mkdtemp', 'cp', 'write', 'close'].forEach(function (n) {
  fsMod[n + 'Sync'] = function (p) { effect('fs-write', str(p), _apply(_arrSlice, arguments, [])); };
  fsMod[n] = function (p) { var a = _apply(_arrSlice, arguments, []); effect('fs-write', str(p), a.filter(function (x) { return typeof x !== 'function'; })); later(lastFn(a), [null]); };
  fsPromises[n] = function (p) { effect('fs-write', str(p), _apply(_arrSlice, arguments, [])); return _Promise.resolve(); };
});
fsMod.existsSync = function (p) { effect('fs-read', str(p), [p]); return true; };
fsMod.createReadStream = function (p) { effect('fs-read', str(p), [p]); var s = new EventEmitter(); s.pipe = function (d) { return d; }; return s; };
fsMod.createWriteStream = function (p) { effect('fs-write', str(p), [p]); var s = new EventEmitter(); s.write = function (d) { effect('fs-write', str(p), [d]); return true; }; s.end = function (d) { if (d !== undefined) effect('fs-write', str(p), [d]); }; return s; };
fsMod.watch = fsMod.watchFile = function (p) { effect('fs-read', str(p), [p]); return new EventEmitter(); };
fsMod.constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };
fsMod.promises = fsPromises;
function statObj() { return { size: 42, isFile: function () { return true; }, isDirectory: function () { return false; }, mtime: new _RealDate(CFG.now - 864e5), mtimeMs: CFG.now - 864e5, mode: 420 }; }
return fsMod;
`,
  cp: String.raw`
/* child_process: the command is the target; outputs are empty and succeed. */
function childObj() { var c = new EventEmitter(); c.stdout = new EventEmitter(); c.stderr = new EventEmitter(); c.stdin = { write: function (d) { effect('process', 'stdin', [d]); return true; }, end: function () {} }; c.pid = 4343; c.kill = function () { return true; }; c.unref = function () {}; c.pipe = function (d) { return d; }; c.stdout.pipe = c.pipe; later(function () { c.emit('close', 0); c.emit('exit', 0); }, []); return c; }
function cmdOf(a) { var c = str(a[0]); return _isArray(a[1]) ? c + ' ' + _apply(_join, _apply(_map, a[1], [str]), [' ']) : c; }
var cpMod = {
  exec: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a.filter(function (x) { return typeof x !== 'function'; })); later(lastFn(a), [null, '', '']); return childObj(); },
  execFile: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a.filter(function (x) { return typeof x !== 'function'; })); later(lastFn(a), [null, '', '']); return childObj(); },
  spawn: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a); return childObj(); },
  fork: function () { var a = _apply(_arrSlice, arguments, []); effect('process', 'node ' + cmdOf(a), a); return childObj(); },
  execSync: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a); return Buffer.from(''); },
  execFileSync: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a); return Buffer.from(''); },
  spawnSync: function () { var a = _apply(_arrSlice, arguments, []); effect('process', cmdOf(a), a); return { status: 0, stdout: Buffer.from(''), stderr: Buffer.from('') }; },
};
return cpMod;
`,
  net: String.raw`
function httpMod(scheme) {
  function request(u, o, cb) {
    if (typeof o === 'function') { cb = o; o = undefined; }
    var target = hostOf(u);
    var req = socketObj(target);
    effect('network', target, o === undefined ? [u] : [u, o]);
    req.setHeader = req.abort = function () {};
    req.end = function (d) { if (d !== undefined && typeof d !== 'function') effect('network', target, [d]); later(cb, [responseObj()]); };
    return req;
  }
  return {
    request: request, get: function (u, o, cb) { var r = request(u, o, cb); r.end(); return r; },
    createServer: function () { var s = new EventEmitter(); s.listen = function (port) { effect('network', 'listen:' + str(port), [port]); return s; }; s.close = function () {}; s.address = function () { return { port: 3000 }; }; return s; },
    Agent: function () {}, globalAgent: {}, STATUS_CODES: { 200: 'OK', 404: 'Not Found' }, METHODS: ['GET', 'POST'],
  };
}
/* HTTP client libraries: any call whose arguments hold a URL is a network effect. */
function clientCall(name) {
  return function () {
    var a = _apply(_arrSlice, arguments, []);
    var u = a.find(function (x) { return typeof x === 'string' && /^(https?:)?\/\/|^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(x); });
    if (u === undefined && a[0] && typeof a[0] === 'object' && a[0].url) u = a[0].url;
    effect('network', u === undefined ? name : str(u), a);
    return _Promise.resolve({ status: 200, data: { data: REMOTE }, body: REMOTE, headers: {}, text: function () { return _Promise.resolve(REMOTE); }, json: function () { return _Promise.resolve({}); } });
  };
}
function httpClient(name) {
  var c = clientCall(name);
  ['get', 'post', 'put', 'patch', 'delete', 'head', 'request', 'options'].forEach(function (m) { c[m] = clientCall(name + '.' + m); });
  c.create = function () { return httpClient(name); };
  c.defaults = { headers: { common: {} } }; c.interceptors = { request: { use: function () {} }, response: { use: function () {} } };
  c.default = c;
  return c;
}
var netMod = {
  connect: function (a, b) { var t = typeof a === 'object' ? str(a.host || 'localhost') + ':' + str(a.port) : str(b || 'localhost') + ':' + str(a); effect('network', t, [a, b]); return socketObj(t); },
  createServer: httpMod('net').createServer, isIP: function (s) { return /^\d+\.\d+\.\d+\.\d+$/.test(s) ? 4 : 0; },
  Socket: function () { var s = socketObj('socket'); s.connect = function (port, host) { var t = str(host || 'localhost') + ':' + str(port); effect('network', t, [port, host]); s.write = function (d) { effect('network', t, [d]); return true; }; return s; }; return s; },
};
netMod.createConnection = netMod.connect;
var dnsMod = {};
['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveTxt', 'resolveMx', 'reverse'].forEach(function (n) {
  dnsMod[n] = function (h) { var a = _apply(_arrSlice, arguments, []); effect('network', 'dns:' + str(h), [h]); later(lastFn(a), [null, n === 'resolveTxt' ? [[REMOTE]] : '10.0.0.9', 4]); };
});
dnsMod.promises = {};
['lookup', 'resolve', 'resolve4', 'resolveTxt'].forEach(function (n) { dnsMod.promises[n] = function (h) { effect('network', 'dns:' + str(h), [h]); return _Promise.resolve(n === 'resolveTxt' ? [[REMOTE]] : { address: '10.0.0.9', family: 4 }); }; });

return { http: httpMod('http:'), https: httpMod('https:'), net: netMod, dns: dnsMod, clientCall: clientCall, httpClient: httpClient };
`,
  db: String.raw`
/* Databases: queries are recorded; rows come from one small fake table. */
var ROWS = [{ id: 1, name: 'alice', username: 'alice', email: 'alice@example.com', password: '$2b$10$orbitstoredhash', role: 'user', active: 1 },
  { id: 2, name: 'bob', username: 'bob', email: 'bob@example.com', password: '$2b$10$orbitstoredhash2', role: 'admin', active: 1 }];
function rows() { return _parse(_stringify(ROWS)); }
function sqlOf(a) { var s = a[0]; return typeof s === 'string' ? s : s && typeof s.text === 'string' ? s.text : s && typeof s.sql === 'string' ? s.sql : str(s); }
function sqliteDb(file) {
  effect('db', 'open ' + str(file), [file]);
  var db = {};
  ['run', 'get', 'all', 'each', 'exec'].forEach(function (m) {
    db[m] = function () { var a = _apply(_arrSlice, arguments, []); effect('db', sqlOf(a), a.filter(function (x) { return typeof x !== 'function'; })); var cb = lastFn(a); later(cb, m === 'get' ? [null, rows()[0]] : m === 'all' ? [null, rows()] : [null]); return db; };
  });
  db.prepare = function (sql) { var st = {}; ['run', 'get', 'all', 'finalize'].forEach(function (m) { st[m] = function () { var a = _apply(_arrSlice, arguments, []); effect('db', str(sql), a.filter(function (x) { return typeof x !== 'function'; })); later(lastFn(a), m === 'get' ? [null, rows()[0]] : [null, rows()]); return st; }; }); return st; };
  db.serialize = db.parallelize = function (f) { if (typeof f === 'function') f(); }; db.close = function (cb) { later(cb, [null]); };
  return db;
}
function betterSqlite(file) {
  effect('db', 'open ' + str(file), [file]);
  return {
    prepare: function (sql) { var run = function (m) { return function () { effect('db', str(sql), _apply(_arrSlice, arguments, [])); return m === 'get' ? rows()[0] : m === 'all' ? rows() : { changes: 1, lastInsertRowid: 3 }; }; }; return { get: run('get'), all: run('all'), run: run('run'), iterate: run('all'), pluck: function () { return this; } }; },
    exec: function (sql) { effect('db', str(sql), [sql]); }, pragma: function () { return []; }, close: function () {},
    transaction: function (f) { return f; },
  };
}
function pgQuery() { var a = _apply(_arrSlice, arguments, []); effect('db', sqlOf(a), a.filter(function (x) { return typeof x !== 'function'; })); var r = { rows: rows(), rowCount: 2 }; var cb = lastFn(a); if (cb) { later(cb, [null, r]); return undefined; } return _Promise.resolve(r); }
function pgClient() { this.query = pgQuery; this.connect = function (cb) { effect('db', 'connect', []); var c = { query: pgQuery, release: function () {} }; if (typeof cb === 'function') { later(cb, [null, c, function () {}]); return undefined; } return _Promise.resolve(c); }; this.end = function () { return _Promise.resolve(); }; this.on = function () { return this; }; }
var pgMod = { Pool: pgClient, Client: pgClient };
function mysqlConn(promised) {
  var q = function () { var a = _apply(_arrSlice, arguments, []); effect('db', sqlOf(a), a.filter(function (x) { return typeof x !== 'function'; })); var cb = lastFn(a); if (cb) { later(cb, [null, rows(), []]); return undefined; } if (promised) return _Promise.resolve([rows(), []]); return { on: function () { return this; } }; };
  var c = { query: q, execute: q, end: function () {}, release: function () {}, connect: function (cb) { later(cb, [null]); }, escape: function (v) { return "'" + str(v).replace(/'/g, "\\'") + "'"; } };
  c.getConnection = function (cb) { if (typeof cb === 'function') { later(cb, [null, c]); return undefined; } return _Promise.resolve(c); };
  c.promise = function () { return mysqlConn(true); };
  return c;
}
var mysqlMod = { createConnection: function () { return promisedConn(false); }, createPool: function () { return promisedConn(false); } };
function promisedConn(p) { return mysqlConn(p); }
var mysqlPromiseMod = { createConnection: function () { return _Promise.resolve(mysqlConn(true)); }, createPool: function () { return mysqlConn(true); } };
return { sqlite3: { Database: sqliteDb, OPEN_READWRITE: 2, OPEN_CREATE: 4 }, betterSqlite: betterSqlite, pg: pgMod, mysql: mysqlMod, mysqlPromise: mysqlPromiseMod };
`,
  crypto: SHA256_SOURCE + String.raw`
/* crypto: hashes are real (SHA-256 stands in for every algorithm, cut to the algorithm's size). */
var HASH_HEX = { md5: 32, sha1: 40, sha256: 64, sha512: 64, sha384: 64 };
function hashObj(alg, key) {
  var data = key ? bytesOf(key) : [];
  var h = { update: function (d, enc) { data = data.concat(bytesOf(d, enc)); return h; },
    digest: function (enc) { effect('crypto', str(alg), []); var b = sha256Bytes(data); var hex = Buffer.from(b).toString('hex').slice(0, HASH_HEX[str(alg).toLowerCase()] || 64); var out = Buffer.from(hex, 'hex'); return enc ? out.toString(enc) : out; } };
  return h;
}
function randBytes(n) { var b = []; for (var i = 0; i < Math.min(n, 4096); i++) b.push(Math.floor(Math.random() * 256)); return Buffer.from(b); }
var cryptoMod = {
  createHash: function (alg) { return hashObj(alg); }, createHmac: function (alg, key) { return hashObj(alg, key); },
  randomBytes: function (n, cb) { var b = randBytes(n); if (typeof cb === 'function') { later(cb, [null, b]); return undefined; } return b; },
  randomUUID: function () { var h = randBytes(16).toString('hex'); return h.slice(0, 8) + '-' + h.slice(8, 12) + '-4' + h.slice(13, 16) + '-a' + h.slice(17, 20) + '-' + h.slice(20, 32); },
  randomInt: function (a, b) { if (b === undefined) { b = a; a = 0; } return a + Math.floor(Math.random() * (b - a)); },
  timingSafeEqual: function (a, b) { return Buffer.from(a).equals(Buffer.from(b)); },
  pbkdf2Sync: function (p, s, i, len) { return Buffer.from(sha256Bytes(bytesOf(str(p) + str(s)))).slice(0, len || 32); },
  scryptSync: function (p, s, len) { return Buffer.from(sha256Bytes(bytesOf(str(p) + str(s)))).slice(0, len || 32); },
  pbkdf2: function (p, s, i, len, d, cb) { later(cb, [null, cryptoMod.pbkdf2Sync(p, s, i, len)]); },
  scrypt: function (p, s, len, o, cb) { later(typeof o === 'function' ? o : cb, [null, cryptoMod.scryptSync(p, s, len)]); },
  createCipheriv: function (alg) { effect('crypto', 'cipher ' + str(alg), []); var out = []; return { update: function (d) { out.push(str(d)); return ''; }, final: function () { return Buffer.from(out.join('')).toString('hex'); }, getAuthTag: function () { return Buffer.from(''); }, setAuthTag: function () {} }; },
  createDecipheriv: function (alg) { effect('crypto', 'decipher ' + str(alg), []); return { update: function () { return ''; }, final: function () { return REMOTE; }, setAuthTag: function () {} }; },
  getRandomValues: function (a) { for (var i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * 256); return a; },
};
cryptoMod.webcrypto = { getRandomValues: cryptoMod.getRandomValues, randomUUID: cryptoMod.randomUUID };
/* Password hashing libraries: a supplied password never matches, as for a wrong guess. */
var bcryptMod = { compare: function () { effect('crypto', 'bcrypt.compare', []); return _Promise.resolve(false); }, compareSync: function () { effect('crypto', 'bcrypt.compare', []); return false; },
  hash: function () { return _Promise.resolve('$2b$10$orbithash'); }, hashSync: function () { return '$2b$10$orbithash'; }, genSalt: function () { return _Promise.resolve('$2b$10$'); }, genSaltSync: function () { return '$2b$10$'; },
  verify: function () { effect('crypto', 'argon2.verify', []); return _Promise.resolve(false); } };

return { crypto: cryptoMod, bcrypt: bcryptMod };
`,
};
