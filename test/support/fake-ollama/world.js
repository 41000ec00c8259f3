// An independent world model for the test Ollama: it runs the program of a trace prompt in
// node:vm, with its own stand-ins for Node's modules, the framework objects and the clock, and
// writes down what it sees in the trace schema. It shares no code with orbit-ls's QuickJS sandbox
// (external/sandbox) and knows nothing of its conventions beyond the prompt a real model also reads,
// so where the two agree it is because the code does what both say. Tests only: node:vm is not a
// security boundary, and the programs run here are the test fixtures.
//
// Where it differs from the sandbox on purpose, as a real model would: the clock is another
// ordinary day (2026-05-12, 09:00 UTC), the environment is empty, `https.request` keeps its scheme,
// a response object is written as {status, body}, and it records no steps (its story is the
// effects and the result). Its incidental effects (timers, logs) follow its own rules.
'use strict';

const vm = require('node:vm');
const nodeCrypto = require('node:crypto');

const CLOCK = Date.UTC(2026, 4, 12, 9, 0);
const FILE = 'program.js';
const RUN_MS = 500;

/** Runs `program` on one argument list and resolves to a trace {steps, effects, outcome}. */
/** @param {string} program @param {any[]} args @param {{ entry?: string, clock?: number, env?: Record<string, string> }} [options] */
async function evaluate(program, args, { entry, clock = CLOCK, env = {} } = {}) {
  const effects = [];
  const pending = [];
  const context = vm.createContext({});
  const here = () => lineOf(new Error().stack);
  const record = (kind, target, argList) => effects.push({ kind, target: String(target), args: argList.map((a) => toJson(a)), line: here() });
  const later = (fn, ...a) => {
    if (typeof fn === 'function') pending.push(() => fn(...a));
  };

  const urlOf = (x, scheme) => {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object' && typeof x.href === 'string') return x.href;
    if (x && typeof x === 'object') {
      const host = x.hostname ?? x.host ?? 'localhost';
      const port = x.port ? `:${x.port}` : '';
      return `${x.protocol ? String(x.protocol).replace(/:$/, '') : scheme}://${host}${port}${x.path ?? '/'}`;
    }
    return String(x);
  };
  const response = (body = {}) => ({ ok: true, status: 200, headers: { get: () => null }, json: async () => body, text: async () => JSON.stringify(body) });
  const fetchStub = async (url, init) => {
    record('network', urlOf(url, 'https'), init === undefined ? [url] : [url, init]);
    return response();
  };
  const httpModule = (scheme) => {
    const request = (opts, a, b) => {
      const cb = typeof a === 'function' ? a : b;
      const target = urlOf(opts, scheme);
      record('network', target, [opts]);
      later(cb, emitter({ statusCode: 200 }));
      const req = emitter({ write: (d) => (d !== undefined && record('network', target, [d]), true), end: (d) => (d !== undefined && record('network', target, [d]), undefined), setTimeout: () => req, destroy: () => undefined });
      return req;
    };
    return { request, get: (opts, a, b) => { const r = request(opts, a, b); return r; }, createServer: () => emitter({ listen: () => undefined }) };
  };
  /** @type {any} axios: callable, with a method per verb */
  const axiosStub = Object.assign(async (cfg) => (record('network', urlOf(cfg.url ?? cfg, 'https'), [cfg]), { status: 200, data: {} }), {});
  for (const m of ['get', 'delete', 'head']) axiosStub[m] = async (url, cfg) => (record('network', urlOf(url, 'https'), cfg === undefined ? [url] : [url, cfg]), { status: 200, data: {} });
  for (const m of ['post', 'put', 'patch']) axiosStub[m] = async (url, data, cfg) => (record('network', urlOf(url, 'https'), [url, data]), { status: 200, data: {} });
  axiosStub.create = () => axiosStub;
  axiosStub.default = axiosStub;

  const shell = (cmd, list) => (Array.isArray(list) ? [cmd, ...list].join(' ') : String(cmd));
  const childProcess = {
    exec: (cmd, a, b) => (record('process', cmd, [cmd]), later(typeof a === 'function' ? a : b, null, '', ''), emitter({})),
    execSync: (cmd) => (record('process', cmd, [cmd]), ''),
    spawn: (cmd, list) => (record('process', shell(cmd, list), [cmd, list ?? []]), emitter({ stdout: emitter({}), stderr: emitter({}), stdin: emitter({ write: () => true, end: () => undefined }) })),
    spawnSync: (cmd, list) => (record('process', shell(cmd, list), [cmd, list ?? []]), { status: 0, stdout: '', stderr: '' }),
    execFile: (cmd, list, a, b) => (record('process', shell(cmd, list), [cmd, list ?? []]), later([list, a, b].find((f) => typeof f === 'function'), null, '', ''), emitter({})),
    execFileSync: (cmd, list) => (record('process', shell(cmd, list), [cmd, list ?? []]), ''),
    fork: (mod) => (record('process', `node ${mod}`, [mod]), emitter({ send: () => true })),
  };
  const writes = ['writeFile', 'appendFile', 'writeFileSync', 'appendFileSync', 'createWriteStream', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'chmod', 'chmodSync', 'rename', 'renameSync', 'mkdir', 'mkdirSync', 'copyFile', 'copyFileSync'];
  const reads = ['readFile', 'readFileSync', 'existsSync', 'readdir', 'readdirSync', 'stat', 'statSync', 'createReadStream', 'access'];
  const fsModule = (promises) => {
    const out = {};
    for (const name of writes) {
      out[name] = (p, ...rest) => {
        record('fs-write', p, [p, ...rest.filter((x) => typeof x !== 'function')]);
        const cb = rest.find((x) => typeof x === 'function');
        later(cb, null);
        return promises ? Promise.resolve() : name === 'createWriteStream' ? emitter({ write: () => true, end: () => undefined }) : undefined;
      };
    }
    for (const name of reads) {
      out[name] = (p, ...rest) => {
        record('fs-read', p, [p]);
        const cb = rest.find((x) => typeof x === 'function');
        later(cb, null, '');
        if (promises) return Promise.resolve('');
        if (name === 'existsSync') return false;
        if (name.startsWith('readdir')) return [];
        return name.endsWith('Sync') ? '' : undefined;
      };
    }
    return out;
  };
  const fsStub = { ...fsModule(false), promises: fsModule(true) };
  const netStub = {
    connect: (a, b) => (record('network', typeof a === 'object' ? `${a.host ?? 'localhost'}:${a.port}` : `${b ?? 'localhost'}:${a}`, [a, b].filter((x) => x !== undefined)), emitter({ write: () => true, end: () => undefined, pipe: (x) => x })),
  };
  netStub.createConnection = netStub.connect;
  netStub.Socket = function Socket() {
    return emitter({ connect: (port, host) => record('network', `${host}:${port}`, [port, host]), write: () => true, end: () => undefined, pipe: (x) => x });
  };
  const cryptoStub = {
    createHash: (alg) => { record('crypto', alg, []); return nodeCrypto.createHash(alg); },
    createHmac: (alg, key) => { record('crypto', alg, []); return nodeCrypto.createHmac(alg, key); },
    randomBytes: (n) => { record('crypto', 'randomBytes', [n]); return Buffer.alloc(n, 7); },
    randomUUID: () => '00000000-0000-4000-8000-000000000000',
    timingSafeEqual: (a, b) => a.length === b.length && nodeCrypto.timingSafeEqual(a, b),
  };
  const consoleStub = Object.fromEntries(['log', 'info', 'warn', 'error', 'debug'].map((m) => [m, (...a) => record('log', `console.${m}`, a)]));
  const vmStub = { runInNewContext: (code) => (record('eval', 'vm', [code]), undefined), runInThisContext: (code) => (record('eval', 'vm', [code]), undefined) };
  const anything = lenient();
  const modules = {
    http: httpModule('http'), https: httpModule('https'), 'node-fetch': fetchStub, undici: { fetch: fetchStub, request: fetchStub }, axios: axiosStub, got: fetchStub,
    child_process: childProcess, fs: fsStub, 'fs/promises': fsStub.promises, net: netStub, crypto: cryptoStub, vm: vmStub,
    path: require('node:path').posix, url: require('node:url'), util: require('node:util'), os: { hostname: () => 'web-1', platform: () => 'linux', homedir: () => '/home/app', tmpdir: () => '/tmp' },
  };
  const requireStub = (name) => {
    const bare = String(name).replace(/^node:/, '');
    return bare in modules ? modules[bare] : anything;
  };
  const envProxy = new Proxy({}, {
    get: (_, key) => (typeof key === 'string' ? (record('env', key, []), env[key]) : undefined),
    has: (_, key) => key in env,
    ownKeys: () => Object.keys(env),
    getOwnPropertyDescriptor: (_, key) => (key in env ? { value: env[/** @type {string} */ (key)], enumerable: true, configurable: true } : undefined),
  });
  const processStub = { env: envProxy, argv: ['node', 'app.js'], platform: 'linux', cwd: () => '/app', exit: (c) => record('process', `exit ${c ?? 0}`, [c ?? 0]), nextTick: (fn, ...a) => later(fn, ...a), on: () => undefined, uptime: () => 42, memoryUsage: () => ({ rss: 1 }), version: 'v20.0.0', pid: 100 };

  // The context's own Date, pinned to the clock: `new Date()` and `Date.now()` read it.
  const RealDate = vm.runInContext('Date', context);
  const FixedDate = vm.runInContext(`(function (RealDate, now) {
    function D(...a) { if (!new.target) return new RealDate(now).toString(); return a.length ? new RealDate(...a) : new RealDate(now); }
    D.prototype = RealDate.prototype; D.now = () => now; D.UTC = RealDate.UTC; D.parse = RealDate.parse;
    return D; })`, context)(RealDate, clock);
  const realEval = vm.runInContext('eval', context);
  const RealFunction = vm.runInContext('Function', context);
  const globals = {
    require: requireStub, console: consoleStub, process: processStub, fetch: fetchStub, Buffer, URL, URLSearchParams, TextEncoder, TextDecoder,
    setTimeout: (fn, ms, ...a) => (record('time', 'setTimeout', [ms ?? 0]), (ms ?? 0) <= 1000 && later(fn, ...a), 1),
    setInterval: (fn, ms) => (record('time', 'setInterval', [ms ?? 0]), 1),
    setImmediate: (fn, ...a) => (later(fn, ...a), 1), clearTimeout: () => undefined, clearInterval: () => undefined,
    Date: FixedDate, eval: (code) => (record('eval', 'eval', [code]), realEval(code)),
    Function: function (...a) { record('eval', 'Function', [a[a.length - 1]]); return RealFunction(...a); },
    atob: (s) => Buffer.from(String(s), 'base64').toString('binary'), btoa: (s) => Buffer.from(String(s), 'binary').toString('base64'),
  };
  for (const [k, v] of Object.entries(globals)) context[k] = v;

  let outcome;
  let live = [];
  try {
    const wrapped = `(function (exports, require, module, __filename, __dirname) {\n${program}\n})`;
    const script = new vm.Script(wrapped, { filename: FILE, lineOffset: -1 });
    const mod = { exports: {} };
    script.runInContext(context, { timeout: RUN_MS }).call(mod.exports, mod.exports, requireStub, mod, '/app/src/unit.js', '/app/src');
    let fn = mod.exports;
    if (typeof fn !== 'function' && fn && entry && typeof fn[entry] === 'function') fn = fn[entry];
    if (typeof fn !== 'function' && fn && typeof fn.default === 'function') fn = fn.default;
    if (typeof fn !== 'function' && entry) {
      try {
        fn = vm.runInContext(entry, context);
      } catch {
        fn = undefined;
      }
    }
    if (typeof fn !== 'function') throw new Error('The program does not define a function to call.');
    live = args.map((a) => build(a, record));
    let value = await withTimeout(Promise.resolve().then(() => fn(...live)));
    await drain(pending);
    outcome = { kind: 'return', value: toJson(value) };
  } catch (error) {
    if (error === TIMEOUT) outcome = { kind: 'limit', limit: 'time' };
    else outcome = { kind: 'throw', error: `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}` };
  }
  const handlerSent = live.map(sent).find(Boolean);
  return handlerSent ? { steps: [], effects, outcome, response: handlerSent } : { steps: [], effects, outcome };
}

/** What a handler sent through a response object (or a Koa context) it was given, as the trace
 *  schema's `response`; undefined when it sent nothing. */
function sent(o) {
  if (!o || typeof o !== 'object') return undefined;
  const matters = ['location', 'set-cookie', 'access-control-allow-origin', 'access-control-allow-credentials', 'www-authenticate', 'content-type'];
  const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]).filter(([k]) => matters.includes(k)));
  const withHeaders = (r) => (Object.keys(headers).length ? { ...r, headers } : r);
  if (o.__response) {
    if (o.body === undefined && o.statusCode === 200 && !o.headersSent && !Object.keys(headers).length) return undefined;
    return withHeaders({ status: o.statusCode, ...(o.body !== undefined ? { body: toJson(o.body) } : {}) });
  }
  if (o.__koa) {
    if (o.body === undefined && o.status === 404) return undefined;
    return withHeaders({ ...(o.status !== 404 ? { status: o.status } : {}), ...(o.body !== undefined ? { body: toJson(o.body) } : {}) });
  }
  return undefined;
}

const TIMEOUT = Symbol('timeout');

// A promise the program leaves rejected (an un-awaited request that fails) must not end the test
// process; any other unhandled rejection still does, as it would without this listener.
process.on('unhandledRejection', (reason) => {
  if (/program\.js:\d+/.test(String(/** @type {any} */ (reason)?.stack ?? ''))) return;
  throw reason;
});
function withTimeout(promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(TIMEOUT), RUN_MS)))]).finally(() => clearTimeout(timer));
}

/** Runs queued callbacks (I/O completions, short timers) a bounded number of times. */
async function drain(pending) {
  for (let round = 0; round < 20 && pending.length > 0; round++) {
    const now = pending.splice(0);
    for (const fn of now) {
      try {
        await withTimeout(Promise.resolve().then(fn));
      } catch {
        /* a callback's error does not change the function's result */
      }
    }
  }
}

/** The framework objects the prompt describes with {"$orbit": …}. */
function build(v, record) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => build(x, record));
  const o = {};
  for (const [k, x] of Object.entries(v)) if (k !== '$orbit') o[k] = build(x, record);
  switch (v.$orbit) {
    case 'date': return new Date(v.iso);
    case 'next': case 'callback': return () => undefined;
    case 'express.req': case 'fastify.request': return request(o);
    case 'express.res': return expressResponse();
    case 'fastify.reply': return fastifyReply();
    case 'koa.ctx': return koaContext(o);
    default: return o;
  }
}

function request(o) {
  const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x]));
  const get = (k) => headers[String(k).toLowerCase()];
  return { method: 'GET', path: '/', url: '/', ip: '198.51.100.4', body: {}, query: {}, params: {}, cookies: {}, session: {}, ...o, headers, get, header: get, is: () => false, accepts: () => true, protocol: 'https', hostname: 'app.example.com', socket: { remoteAddress: '198.51.100.4' } };
}

function expressResponse() {
  const res = { __response: true, statusCode: 200, body: undefined, headers: {}, locals: {}, headersSent: false };
  const chain = (fn) => (...a) => (fn(...a), res);
  Object.assign(res, {
    status: chain((s) => (res.statusCode = s)), sendStatus: chain((s) => (res.statusCode = s)),
    json: chain((b) => (res.body = b, res.headersSent = true)), send: chain((b) => (res.body = b, res.headersSent = true)), end: chain((b) => (res.body = b, res.headersSent = true)),
    set: chain((k, x) => (typeof k === 'object' ? Object.assign(res.headers, k) : (res.headers[k] = x))), header: chain((k, x) => (res.headers[k] = x)), setHeader: chain((k, x) => (res.headers[k] = x)), type: chain((t) => (res.headers['content-type'] = t)),
    cookie: chain((k, x) => (res.headers['set-cookie'] = `${k}=${typeof x === 'string' ? x : JSON.stringify(x ?? '')}`)), clearCookie: chain(() => undefined),
    redirect: chain((a, b) => ((res.statusCode = typeof a === 'number' ? a : 302), (res.headers.location = typeof a === 'string' ? a : b), (res.headersSent = true))),
    render: chain((view) => (res.body = view)), sendFile: chain((p) => (res.body = p)), download: chain((p) => (res.body = p)), getHeader: (k) => res.headers[k], on: chain(() => undefined),
    write: () => true, writeHead: chain((s) => (res.statusCode = s)), location: chain((u) => (res.headers.location = u)), vary: chain(() => undefined), append: chain(() => undefined), attachment: chain(() => undefined),
  });
  return res;
}

function fastifyReply() {
  const reply = { __response: true, statusCode: 200, body: undefined, headers: {} };
  const chain = (fn) => (...a) => (fn(...a), reply);
  Object.assign(reply, {
    code: chain((s) => (reply.statusCode = s)), status: chain((s) => (reply.statusCode = s)), send: chain((b) => (reply.body = b)), header: chain(() => undefined), headers: chain(() => undefined),
    type: chain(() => undefined), redirect: chain((u) => ((reply.statusCode = 302), (reply.body = u))), setCookie: chain(() => undefined), clearCookie: chain(() => undefined),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return reply;
}

function koaContext(o) {
  const req = request({ ...(o.request ?? {}), headers: { ...(o.request?.headers ?? {}), ...(o.headers ?? {}) }, query: { ...(o.request?.query ?? {}), ...(o.query ?? {}) }, body: o.request?.body ?? o.body ?? {} });
  const ctx = { request: req, req, query: req.query, params: o.params ?? {}, headers: req.headers, header: req.headers, get: req.get, method: req.method, path: req.path, ip: req.ip, state: o.state ?? {}, session: {}, status: 404, body: undefined };
  Object.defineProperty(ctx, '__koa', { value: true });
  ctx.cookies = { get: (k) => (o.cookies ?? {})[k], set: () => undefined };
  ctx.set = () => undefined;
  ctx.redirect = (u) => ((ctx.status = 302), (ctx.body = u));
  ctx.throw = (s, m) => {
    /** @type {Error & { status?: number }} */
    const e = new Error(m ?? `HTTP ${s}`);
    e.status = s;
    throw e;
  };
  ctx.assert = (c, s, m) => c || ctx.throw(s, m);
  return ctx;
}

/** An event emitter good enough for `req.on('error', …)`, `child.stdout.on('data', …)`. */
function emitter(extra) {
  const self = { ...extra };
  self.on = self.once = self.addListener = () => self;
  self.pipe = self.pipe ?? ((x) => x);
  self.setEncoding = () => self;
  return self;
}

/** A module orbit-ls's stand-ins do not name: every property is a function that returns another
 *  such object, so `db.collection('x').find({})` works; awaiting one gives [] (an empty result). */
function lenient() {
  const target = function () {};
  const proxy = new Proxy(target, {
    get: (_, key) => {
      if (key === 'then') return (resolve) => resolve([]);
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy,
  });
  return proxy;
}

/** The line in the program of the innermost frame that belongs to it. */
function lineOf(stack) {
  for (const frame of String(stack).split('\n').slice(1)) {
    const m = /program\.js:(\d+):\d+/.exec(frame);
    if (m) return Math.max(1, Number(m[1]));
  }
  return 1;
}

/** A JavaScript value in the trace schema's JSON: undefined, functions, NaN and Infinity spelled
 *  as strings; a response object written as what it sent, {status, body}. */
function toJson(value, seen = new Set()) {
  if (value === undefined) return '[undefined]';
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'number') return Number.isNaN(value) ? '[NaN]' : Number.isFinite(value) ? value : value > 0 ? '[Infinity]' : '[-Infinity]';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  try {
    if (value.__response) return { status: value.statusCode, body: toJson(value.body, seen) };
    if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (Array.isArray(value)) return value.map((x) => toJson(x, seen));
    const out = {};
    for (const k of Object.keys(value)) out[k] = toJson(value[k], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

module.exports = { evaluate, toJson, CLOCK };
