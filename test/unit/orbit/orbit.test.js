// The orbit builder: seeded and reproducible, δmin-filtered, deduplicated, composing transforms
// and carrying line and rename maps back to the original.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { distance } = require('fastest-levenshtein');
const { buildOrbit } = require('../../../server/dist/core/orbit/index.js');
const corpus = require('../../fixtures/orbit/index.js');

const SRC = corpus.find((f) => f.name === 'checkout').source;

test('the same seed gives the same orbit, another seed another', () => {
  const a = buildOrbit(SRC, { k: 6, seed: 11, deltaMin: 0.05 });
  const b = buildOrbit(SRC, { k: 6, seed: 11, deltaMin: 0.05 });
  const c = buildOrbit(SRC, { k: 6, seed: 12, deltaMin: 0.05 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.variants.map((v) => v.hash), c.variants.map((v) => v.hash));
});

test('every variant is far enough from the original, distinct, and knows its transforms', () => {
  const o = buildOrbit(SRC, { k: 8, seed: 3, deltaMin: 0.1 });
  assert.equal(o.variants.length, 8);
  assert.equal(o.minDistance, Math.ceil(0.1 * SRC.length));
  const hashes = new Set();
  for (const v of o.variants) {
    assert.ok(distance(SRC, v.code) >= o.minDistance);
    assert.equal(v.distance, distance(SRC, v.code));
    assert.ok(!hashes.has(v.hash));
    hashes.add(v.hash);
    assert.ok(v.transforms.length >= 1 && v.transforms.length <= 4);
    assert.equal(v.lineMap.length, v.code.split('\n').length);
  }
});

test('a large δmin rejects close candidates instead of admitting them', () => {
  const o = buildOrbit(SRC, { k: 4, seed: 3, deltaMin: 0.9 });
  assert.equal(o.variants.length, 0);
  assert.ok(o.rejected.tooClose > 0);
});

test('renames compose back to original names, and temporaries are listed as introduced', () => {
  const o = buildOrbit(SRC, { k: 12, seed: 5, deltaMin: 0.02, transforms: ['rename-locals', 'temporaries'] });
  const originalNames = new Set(SRC.match(/[A-Za-z_$][\w$]*/g));
  for (const v of o.variants) {
    for (const [to, from] of Object.entries(v.renames)) {
      assert.ok(originalNames.has(from), `${from} is an original name`);
      assert.ok(new RegExp(`\\b${to}\\b`).test(v.code));
    }
    for (const name of v.introduced) assert.ok(!(name in v.renames));
  }
});

test('code that does not parse yields no variants and an error', () => {
  const o = buildOrbit('function (', { k: 3, seed: 1, deltaMin: 0.05 });
  assert.deepEqual(o.variants, []);
  assert.equal(o.errors.length, 1);
});

test('the trimmed edit distance equals the full Levenshtein distance', () => {
  const { editDistance } = require('../../../server/dist/core/orbit/orbit.js');
  const o = buildOrbit(SRC, { k: 8, seed: 21, deltaMin: 0.02 });
  for (const v of o.variants) assert.equal(editDistance(SRC, v.code), distance(SRC, v.code));
  assert.equal(editDistance('abcabc', 'abXabc'), 1);
  assert.equal(editDistance('', 'ab'), 2);
});
