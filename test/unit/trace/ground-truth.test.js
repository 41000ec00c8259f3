// A predicted trace against the sandbox's real one: missed and invented effects, outcome,
// and the first step where the stories diverge.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { compareWithGroundTruth } = require('../../../server/dist/core/trace/index.js');
const { loopTrace, NET, LOG } = require('./fixtures.js');

test('a prediction that hides a real network request is caught', () => {
  const actual = loopTrace(6, { effects: [LOG, NET] });
  const predicted = loopTrace(6, { effects: [LOG], vary: (i) => (i === 4 ? { i: 4, total: 0 } : null) });
  const c = compareWithGroundTruth(predicted, actual);
  assert.deepEqual(c.missingEffects, [NET]);
  assert.deepEqual(c.extraEffects, []);
  assert.equal(c.outcomeMatches, true);
  assert.equal(c.firstDivergentStep, 4);
  assert.equal(c.explanation[0], 'The prediction misses an https request to https://collect.example.net/x (line 4), which really happens.');
  assert.ok(c.score < 0.8);
});

test('an exact prediction scores 1', () => {
  const t = loopTrace(4, { effects: [NET] });
  const c = compareWithGroundTruth(t, t);
  assert.equal(c.score, 1);
  assert.equal(c.firstDivergentStep, null);
});
