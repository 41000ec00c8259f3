// The sandbox's recording stubs and world: each host capability a backend uses shows up as an
// effect with its target and line; pure modules behave; time and promises run on a virtual clock.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceUnit, ORDINARY_NOW } = require('../../../server/dist/external/sandbox/runner.js');

const effectsOf = (t) => t.effects.filter((e) => e.kind !== 'time').map((e) => [e.kind, e.target]);

test('steps record lines and the variables each statement wrote', async () => {
  const t = await traceUnit('function f(a) {\n  let x = a * 2;\n  const o = { k: x };\n  o.k += 1;\n  return o;\n}', [4]);
  assert.deepEqual(t.steps, [
    { line: 2, state: { x: 8 } },
    { line: 3, state: { o: { k: 8 } } },
    { line: 4, state: { o: { k: 9 } } },
    { line: 5, state: {} },
  ]);
  assert.deepEqual(t.outcome, { kind: 'return', value: { k: 9 } });
});

test('file system, processes, network, DNS and databases are recorded, not performed', async () => {
  const t = await traceUnit(`async function f() {
    const fs = require('node:fs');
    fs.writeFileSync('/srv/a.txt', 'x');
    await require('fs/promises').readFile('/srv/b.txt');
    require('child_process').execSync('ls -la');
    require('https').get('https://api.example.com/x');
    require('net').connect(25, 'mail.example.com');
    require('dns').lookup('example.org', () => {});
    await fetch('https://hooks.example.com/h', { method: 'POST', body: 'hi' });
    const db = new (require('better-sqlite3'))('app.db');
    const row = db.prepare('SELECT * FROM users WHERE id = ?').get(1);
    const { rows } = await new (require('pg').Pool)().query('SELECT 1');
    return [row.name, rows.length];
  }`, []);
  assert.deepEqual(effectsOf(t), [
    ['fs-write', '/srv/a.txt'],
    ['fs-read', '/srv/b.txt'],
    ['process', 'ls -la'],
    ['network', 'https://api.example.com/x'],
    ['network', 'mail.example.com:25'],
    ['network', 'dns:example.org'],
    ['network', 'https://hooks.example.com/h'],
    ['db', 'open app.db'],
    ['db', 'SELECT * FROM users WHERE id = ?'],
    ['db', 'SELECT 1'],
  ]);
  assert.deepEqual(t.outcome, { kind: 'return', value: ['alice', 2] });
});

test('environment reads, eval and unknown modules are recorded', async () => {
  const t = await traceUnit(`function f() {
    const k = process.env.API_KEY;
    eval('1 + 1');
    const m = require('some-sdk');
    m.client.send({ a: 1 });
    return k;
  }`, [], {}, {});
  assert.deepEqual(effectsOf(t), [['env', 'API_KEY'], ['eval', 'eval'], ['log', 'some-sdk.client.send']]);
  assert.deepEqual(t.outcome, { kind: 'return', value: 'orbit-env-API_KEY' });
});

test('pure modules behave: path, url, querystring, Buffer, crypto hashes', async () => {
  const t = await traceUnit(`function f() {
    const path = require('path');
    const crypto = require('crypto');
    const u = new URL('https://a.example.com:8080/p/q?x=1&y=two#h');
    return [
      path.join('/a/b', '../c', 'd.txt'),
      path.extname('x.tar.gz'),
      u.hostname, u.port, u.searchParams.get('y'),
      require('querystring').stringify({ a: 1, b: 'c d' }),
      Buffer.from('aGVsbG8=', 'base64').toString(),
      Buffer.from('hi').toString('hex'),
      crypto.createHash('sha256').update('abc').digest('hex'),
    ];
  }`, []);
  assert.deepEqual(t.outcome, { kind: 'return', value: [
    '/a/c/d.txt', '.gz', 'a.example.com', '8080', 'two', 'a=1&b=c%20d', 'hello', '6869',
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  ] });
});

test('the clock is virtual: Date follows the input and timers fire without waiting', async () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const started = Date.now();
  const t = await traceUnit(`async function f() {
    const a = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 3600 * 1000));
    return [a, new Date().toISOString(), Date.now() - ${now}];
  }`, { args: [], now });
  // An hour of virtual time; a real wait would take 3,600 s, so any bound far below that proves it.
  assert.ok(Date.now() - started < 30_000);
  assert.deepEqual(t.outcome, { kind: 'return', value: ['2030-01-01T12:00:00.000Z', '2030-01-01T13:00:00.000Z', 3600000] });
  const plain = await traceUnit('function f() { return new Date().getTime(); }', []);
  assert.deepEqual(plain.outcome, { kind: 'return', value: ORDINARY_NOW });
});

test('callbacks of asynchronous stubs run, and rejected promises are throw outcomes', async () => {
  const t = await traceUnit(`function f(cb) {
    require('child_process').exec('whoami', (err, out) => cb(err, 'ran'));
  }`, [{ $orbit: 'callback' }]);
  assert.deepEqual(t.interactions.map((x) => [x.target, x.args]), [['callback', [null, 'ran']]]);
  const r = await traceUnit('async function f() { throw new TypeError("nope"); }', []);
  assert.deepEqual(r.outcome, { kind: 'throw', error: 'TypeError: nope' });
});

test('framework objects: Express, Koa and Fastify', async () => {
  const ex = await traceUnit("function h(req, res) { res.status(201).json({ q: req.query.q, h: req.get('X-Id') }); }", [
    { $orbit: 'express.req', query: { q: 'a' }, headers: { 'x-id': '9' } },
    { $orbit: 'express.res' },
  ]);
  assert.deepEqual(ex.interactions.map((x) => [x.target, x.args]), [['res.status', [201]], ['res.json', [{ q: 'a', h: '9' }]]]);
  const koa = await traceUnit("async function h(ctx, next) { ctx.status = 202; ctx.body = { id: ctx.params.id }; await next(); }", [
    { $orbit: 'koa.ctx', params: { id: 3 } },
    { $orbit: 'next' },
  ]);
  assert.deepEqual(koa.interactions.map((x) => x.target), ['ctx.status', 'ctx.body', 'next']);
  const fy = await traceUnit("async function h(request, reply) { return reply.code(404).send({ m: request.body.m }); }", [
    { $orbit: 'fastify.request', body: { m: 'x' } },
    { $orbit: 'fastify.reply' },
  ]);
  assert.deepEqual(fy.interactions.map((x) => [x.target, x.args]), [['reply.code', [404]], ['reply.send', [{ m: 'x' }]]]);
});

test('comparisons with inputs are recorded for input synthesis', async () => {
  const t = await traceUnit("function f(u) { if (u === Buffer.from('bWFnaWM=', 'base64').toString()) return 1; return u.startsWith('adm') ? 2 : 0; }", ['orbit-u-1']);
  assert.deepEqual(t.comparisons, [['orbit-u-1', 'magic'], ['orbit-u-1', 'adm']]);
});

test('a program without a function to call ends with a throw outcome', async () => {
  const t = await traceUnit('const x = 1;', []);
  assert.equal(t.outcome.kind, 'throw');
  const s = /** @type {import('../../../server/dist/core/trace/schema').Trace & { outcome: { error?: string } }} */ (await traceUnit('function f( {', []));
  assert.match(s.outcome.error, /SyntaxError/);
});

test('the entry option picks a function among several', async () => {
  const t = await traceUnit('function a() { return 1; }\nfunction b(x) { return x + a(); }', [2], {}, { entry: 'b' });
  assert.deepEqual(t.outcome, { kind: 'return', value: 3 });
});

test('a bare function expression is called', async () => {
  const t = await traceUnit('(a, b) => a + b', [1, 2]);
  assert.deepEqual(t.outcome, { kind: 'return', value: 3 });
});

test('steps beyond the bound are dropped and the trace says so', async () => {
  const t = await traceUnit('function f() { let s = 0; for (let i = 0; i < 100; i++) { s += i; } return s; }', [], { maxSteps: 10 });
  assert.equal(t.steps.length, 10);
  assert.equal(t.truncated, true);
  assert.deepEqual(t.outcome, { kind: 'return', value: 4950 });
});

test('a run under an aborted signal stops at once', async () => {
  // Runs are synchronous on their thread, so an abort is seen at the next interrupt poll.
  const ac = new AbortController();
  ac.abort();
  const started = Date.now();
  const t = await traceUnit('function f() { for (;;) {} }', [], { timeMs: 60_000, instructions: 1e12 }, { signal: ac.signal });
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'time' });
  // Far below the 60 s time limit: the abort, not the limit, ended the run.
  assert.ok(Date.now() - started < 20_000);
});
