// Differential equivalence in the product's own sandbox (QuickJS), on a sample of the corpus:
// for every transform, original and variant give the same outcome and the same effects.
// The full corpus runs in node:vm (equivalence.test.js), which is fast enough for every case.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const vm = require('node:vm');
const { TRANSFORMS, runTransform, createRng } = require('../../../server/dist/core/orbit/index.js');
const { normaliseTrace } = require('../../../server/dist/core/trace/index.js');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const corpus = require('../../fixtures/orbit/index.js');

const SAMPLE = corpus.filter((_, i) => i % 12 === 0);

/** What must be equal: the outcome, and the effects without their lines. */
async function behaviour(code, fx, mapping = {}) {
  const out = [];
  for (const input of fx.inputs) {
    const args = JSON.parse(JSON.stringify(vm.runInNewContext(input)));
    const t = normaliseTrace(await traceUnit(code, args, {}, { entry: fx.name }), mapping);
    out.push({ outcome: t.outcome, effects: t.effects.map(({ kind, target, args: a }) => ({ kind, target, args: a })) });
  }
  return JSON.stringify(out);
}

test('every transform keeps sandbox behaviour on a corpus sample', async () => {
  await loadSandbox();
  const failures = [];
  let compared = 0;
  for (const fx of SAMPLE) {
    const expected = await behaviour(fx.source, fx);
    for (const t of TRANSFORMS) {
      const v = runTransform(t, fx.source, createRng(fx.name.length));
      if (!v) continue;
      compared++;
      const actual = await behaviour(v.code, fx, v);
      if (actual !== expected) failures.push(`${t.id} on ${fx.name}:\n${v.code}\n--- expected ${expected}\n--- actual   ${actual}`);
    }
  }
  assert.deepEqual(failures.slice(0, 3), []);
  assert.ok(compared >= 100, `only ${compared} comparisons`);
});
