// The run's time limit holds wherever the time goes: in getters and toString the program defines,
// in callbacks the stubs call back (file reads, timers, promise jobs), and in code outside the
// instrumented function. Each runaway ends as a time-limit outcome; with the instruction budget
// out of reach, nothing but the time limit can end it. And WebAssembly memory a run grew is given back.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { recycledModules } = require('../../../server/dist/external/sandbox/recycle.js');

const TIME_ONLY = { timeMs: 300, instructions: 1e12 };
const SPIN = `let s = 'abcdefgh'.repeat(2000); for (;;) s = s.split('').reverse().join('');`;

test.before(() => loadSandbox());

/** Runs `unit` with `header` before it; only the unit is instrumented, as in a real file. */
function run(header, unit) {
  const program = `${header}\n${unit}`;
  return traceUnit(program, [], TIME_ONLY, { unitStart: header.length + 1, unitEnd: program.length, entry: 'f' });
}

for (const [name, header, unit] of [
  ['a getter', `const o = { get x() { ${SPIN} } };`, 'function f() { return o.x; }'],
  ['a toString', `const o = { toString() { ${SPIN} } };`, "function f() { return 'v=' + o; }"],
  ['a valueOf in a comparison', `const o = { valueOf() { ${SPIN} } };`, 'function f() { return o > 1; }'],
  ['a file-read callback', `function done() { ${SPIN} }`, "function f() { require('fs').readFile('/etc/hosts', done); return 1; }"],
  ['a timer callback', `function tick() { ${SPIN} }`, 'function f() { setTimeout(tick, 10); return 1; }'],
  ['a promise job', `function job() { ${SPIN} }`, 'async function f() { await Promise.resolve(); job(); }'],
  ['a JSON.stringify toJSON hook', `const o = { toJSON() { ${SPIN} } };`, 'function f() { return JSON.stringify(o); }'],
  ['a sort comparator', `function cmp() { ${SPIN} }`, 'function f() { return [3, 1, 2].sort(cmp); }'],
]) {
  test(`a runaway loop in ${name} ends as a time limit`, async () => {
    const t = await run(header, unit);
    assert.deepEqual(t.outcome, { kind: 'limit', limit: 'time' });
  });
}

test('a loop of expensive operations inside the function ends as a time limit', async () => {
  const t = await traceUnit(`function f() { ${SPIN} }`, [], TIME_ONLY);
  assert.deepEqual(t.outcome, { kind: 'limit', limit: 'time' });
});

test('after a run that grew WebAssembly memory, the next run gets a fresh engine', async () => {
  const before = recycledModules();
  // One 100 MiB string under a 160 MiB heap limit: allowed, but it leaves the memory grown.
  const big = await traceUnit(`function f() { return 'x'.repeat(100 * 1024 * 1024).length; }`, [], { memoryBytes: 160 * 1024 * 1024, timeMs: 60_000, instructions: 1e12 });
  assert.deepEqual(big.outcome, { kind: 'return', value: 100 * 1024 * 1024 });
  assert.equal(recycledModules(), before + 1);
  const next = await traceUnit('function f() { return 40 + 2; }', []);
  assert.deepEqual(next.outcome, { kind: 'return', value: 42 });
  // An ordinary run does not cost a reload.
  assert.equal(recycledModules(), before + 1);
});
