// Differential equivalence: every transform, on every corpus function, keeps outputs, thrown
// errors and effects identical to the original's on the same inputs (run in node:vm).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { TRANSFORMS } = require('../../../server/dist/core/orbit/transforms/index.js');
const { runTransform } = require('../../../server/dist/core/orbit/transform.js');
const { createRng } = require('../../../server/dist/core/orbit/rng.js');
const { buildOrbit } = require('../../../server/dist/core/orbit/orbit.js');
const corpus = require('../../fixtures/orbit/index.js');
const { runAll } = require('./vm-harness.js');

const SEEDS = [1, 2];

test('the corpus holds at least 200 functions that run in the harness', async () => {
  assert.ok(corpus.length >= 200, `only ${corpus.length} functions`);
  for (const fx of corpus) {
    const runs = await runAll(fx.source, fx.name, fx.inputs);
    assert.ok(!runs[0].compile, `${fx.name} does not compile: ${runs[0].compile}`);
  }
});

for (const t of TRANSFORMS) {
  test(`${t.id} keeps behaviour on every corpus function`, async () => {
    let applied = 0;
    const failures = [];
    for (const fx of corpus) {
      const expected = await runAll(fx.source, fx.name, fx.inputs);
      const tried = new Set();
      for (const seed of SEEDS) {
        const out = runTransform(t, fx.source, createRng(seed * 7919 + fx.name.length));
        if (!out || tried.has(out.code)) continue;
        tried.add(out.code);
        applied++;
        const actual = await runAll(out.code, fx.name, fx.inputs, out.renames);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          failures.push(`${fx.name} (seed ${seed}):\n${out.code}\n--- expected ${JSON.stringify(expected)}\n--- actual   ${JSON.stringify(actual)}`);
        }
      }
    }
    assert.deepEqual(failures.slice(0, 3), []);
    assert.ok(applied > 0, `${t.id} never applied`);
  });
}

test('composed orbits keep behaviour', async () => {
  const failures = [];
  for (const fx of corpus.filter((_, i) => i % 3 === 0)) {
    const expected = await runAll(fx.source, fx.name, fx.inputs);
    const orbit = buildOrbit(fx.source, { k: 4, seed: fx.name.length, deltaMin: 0.02 });
    for (const v of orbit.variants) {
      const actual = await runAll(v.code, fx.name, fx.inputs, v.renames);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        failures.push(`${fx.name} [${v.transforms.join(', ')}]:\n${v.code}\n--- expected ${JSON.stringify(expected)}\n--- actual   ${JSON.stringify(actual)}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 3), []);
});
