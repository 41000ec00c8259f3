// The headline of the regeneration experiment (test/eval/regeneration.js), on a slice of the
// corpus: streaming constrained generation is at least as often secure as generate-then-check-and-
// retry, with fewer output tokens, when the simulated model is prone to the vulnerability.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { evaluate } = require('../../eval/regeneration.js');

test('constrained generation: secure at least as often as post-hoc retry, with fewer tokens', async () => {
  const { rows, functions } = await evaluate({ propensities: [0.9], seeds: 1, sandbox: false, limit: 12, securableOnly: true });
  assert.equal(functions, 12);
  const by = Object.fromEntries(rows.map((r) => [r.mode, r]));
  assert.ok(by.constrained.secureRate >= by.posthoc.secureRate, JSON.stringify(rows));
  assert.ok(by.constrained.tokens < by.posthoc.tokens, JSON.stringify(rows));
  assert.ok(by.posthoc.secureRate > by.unconstrained.secureRate, JSON.stringify(rows));
});
