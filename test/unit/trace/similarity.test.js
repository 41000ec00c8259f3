// Similarity follows s = α·Slen + β·Sstate + γ·Sout + ε·Seff, with security effects weighed
// far above incidental ones; the matrix is symmetric and aggregated by a quantile.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceSimilarity, similarityMatrix, pairQuantile, DEFAULT_WEIGHTS } = require('../../../server/dist/core/trace/index.js');
const { loopTrace, NET, LOG } = require('./fixtures.js');

test('identical traces score 1', () => {
  const t = loopTrace(10);
  assert.equal(traceSimilarity(t, t).score, 1);
});

test('components follow the method on a hand-computed pair (paper weights, positional)', () => {
  /** @type {import('../../../server/dist/core/trace/similarity').SimilarityWeights} */
  const w = { length: 0.4, state: 0.4, output: 0.2, effects: 0, securityWeight: 10, alignment: 'positional' };
  const a = loopTrace(10);
  const b = loopTrace(8, { vary: (i) => (i === 3 ? { i: 99 } : null), value: 7 });
  const s = traceSimilarity(a, b, w);
  // Slen = 8/10, Sstate = 7/8 (one of the first eight differs), Sout = 0.5 (both return, different values).
  assert.deepEqual(s.components, { length: 0.8, state: 7 / 8, output: 0.5, effects: 1 });
  assert.ok(Math.abs(s.score - (0.4 * 0.8 + 0.4 * (7 / 8) + 0.2 * 0.5)) < 1e-12);
});

test('lcs alignment forgives one inserted step that positional comparison punishes', () => {
  const a = loopTrace(20);
  const b = loopTrace(20);
  b.steps.splice(1, 0, { line: 9, state: { extra: true } });
  const lcs = traceSimilarity(a, b).components.state;
  const pos = traceSimilarity(a, b, { ...DEFAULT_WEIGHTS, alignment: 'positional' }).components.state;
  assert.equal(lcs, 1);
  assert.ok(pos < 0.1);
});

test('a missing network effect costs far more than a missing log line', () => {
  const base = loopTrace(10, { effects: [NET, LOG] });
  const noNet = loopTrace(10, { effects: [LOG] });
  const noLog = loopTrace(10, { effects: [NET] });
  const a = traceSimilarity(base, noNet).score;
  const b = traceSimilarity(base, noLog).score;
  assert.ok(1 - a > 5 * (1 - b), `${a} vs ${b}`);
});

test('a thrown error against a return scores zero on output', () => {
  const a = loopTrace(3);
  /** @type {import('../../../server/dist/core/trace/schema').Trace} */
  const b = { ...loopTrace(3), outcome: { kind: 'throw', error: 'Error: boom' } };
  assert.equal(traceSimilarity(a, b).components.output, 0);
});

test('the matrix is symmetric, has a unit diagonal and averages over inputs', () => {
  const p = [loopTrace(5), loopTrace(6)];
  const q = [loopTrace(5), loopTrace(3)];
  const m = similarityMatrix([p, q, p]);
  assert.equal(m.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.equal(m[i][i], 1);
    for (let j = 0; j < 3; j++) assert.equal(m[i][j], m[j][i]);
  }
  assert.equal(m[0][2], 1);
  const second = traceSimilarity(p[1], q[1]).score;
  assert.ok(Math.abs(m[0][1] - (1 + second) / 2) < 1e-12);
});

test('the 25th percentile interpolates between sorted pair scores', () => {
  const m = [
    [1, 0.2, 0.4],
    [0.2, 1, 0.8],
    [0.4, 0.8, 1],
  ];
  assert.ok(Math.abs(pairQuantile(m, 0.25) - 0.3) < 1e-12);
  assert.equal(pairQuantile([[1]], 0.25), 1);
});
