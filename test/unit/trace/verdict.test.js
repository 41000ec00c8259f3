// Verdicts: consistent orbits pass, a security effect some traces omit is named precisely,
// an original outvoted on its output is flagged, and missing traces leave the verdict uncertain.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { consistencyVerdict, accountCost } = require('../../../server/dist/core/trace/index.js');
const { loopTrace, NET, LOG } = require('./fixtures.js');

const honest = () => [loopTrace(12, { effects: [LOG] })];

test('an orbit whose traces agree is consistent', () => {
  const v = consistencyVerdict([honest(), honest(), honest(), honest()]);
  assert.equal(v.verdict, 'consistent');
  assert.equal(v.score, 1);
  assert.deepEqual(v.disagreements, []);
});

test('variants that predict a network request the original omits make the orbit inconsistent-effects', () => {
  const withNet = () => [loopTrace(12, { effects: [LOG, NET] })];
  const v = consistencyVerdict([honest(), honest(), withNet(), honest(), honest(), withNet()]);
  assert.equal(v.verdict, 'inconsistent-effects');
  assert.equal(v.explanation[0], "Variants 2 and 5 predict an https request to https://collect.example.net/x that the original's trace omits.");
  assert.deepEqual(v.disagreements[0].present, [2, 5]);
});

test('an original that alone predicts an effect is named as such', () => {
  const v = consistencyVerdict([[loopTrace(12, { effects: [NET] })], honest(), honest()]);
  assert.equal(v.explanation[0], "The original's trace predicts an https request to https://collect.example.net/x that variants 1 and 2 omit.");
});

test('disagreement on incidental effects only lowers the score', () => {
  const v = consistencyVerdict([honest(), [loopTrace(12)], honest()]);
  assert.notEqual(v.verdict, 'inconsistent-effects');
});

test('an original outvoted on its output is inconsistent-output', () => {
  const other = () => [loopTrace(12, { value: 'admin', effects: [LOG] })];
  const v = consistencyVerdict([honest(), other(), other(), honest()]);
  assert.equal(v.verdict, 'inconsistent-output');
  assert.match(v.explanation[0], /^Variants 1 and 2 predict a return of "admin" where the original's trace predicts a return of 12\.$/);
});

test('a single noisy variant on the output leaves the verdict to the score', () => {
  const v = consistencyVerdict([honest(), honest(), honest(), [loopTrace(12, { value: 13, effects: [LOG] })], honest()]);
  assert.notEqual(v.verdict, 'inconsistent-output');
  assert.notEqual(v.verdict, 'inconsistent-effects');
});

test('missing traces make the verdict uncertain and are left out of the comparison', () => {
  assert.equal(consistencyVerdict([honest(), null]).verdict, 'uncertain');
  assert.equal(consistencyVerdict([null, honest(), honest()]).verdict, 'uncertain');
  const v = consistencyVerdict([honest(), null, honest()]);
  assert.deepEqual(v.compared, [0, 2]);
  assert.equal(v.verdict, 'consistent');
});

test('the verdict carries its cost', () => {
  const cost = accountCost([{ promptTokens: 100, outputTokens: 50, wallMs: 10, requests: 1 }, { promptTokens: 100, outputTokens: 50, wallMs: 10, requests: 1 }]);
  const v = consistencyVerdict([honest(), honest()], { cost });
  assert.equal(v.cost.arq, 2);
});

test('a lone variant forgetting an effect is noise, not a finding', () => {
  const withNet = () => [loopTrace(12, { effects: [LOG, NET] })];
  const v = consistencyVerdict([withNet(), withNet(), [loopTrace(12, { effects: [LOG] })], withNet(), withNet()]);
  assert.notEqual(v.verdict, 'inconsistent-effects');
  assert.equal(v.explanation[0], "The original's trace predicts an https request to https://collect.example.net/x that variant 2 omits.");
});

test('an output verdict that rests on the original alone asks for a second sample', () => {
  const v = consistencyVerdict([[loopTrace(12, { value: 'x', effects: [LOG] })], honest(), honest(), honest()]);
  assert.equal(v.verdict, 'inconsistent-output');
  assert.equal(v.singleWitness, true);
  assert.match(v.explanation.at(-1), /asking the model again/);
});
