// The supply-chain corpus (test/fixtures/supply-chain): at least 95% of the malicious packages
// are flagged and none of the benign look-alikes, as docs/rules.md reports.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { evaluate } = require('../../eval/supply-chain');

test('the package check flags ≥ 95% of the malicious corpus and none of the benign one', async () => {
  const r = await evaluate();
  assert.ok(r.malicious.total >= 20 && r.benign.total >= 20, 'at least 20 packages of each kind');
  const missed = r.rows.filter((x) => x.label === 'malicious' && !x.flagged).map((x) => x.name);
  const wrong = r.rows.filter((x) => x.label === 'benign' && x.flagged).map((x) => `${x.name}: ${x.findings.map((f) => f.message).join('; ')}`);
  assert.ok(r.malicious.flagged / r.malicious.total >= 0.95, `missed: ${missed.join(', ')}`);
  assert.deepEqual(wrong, []);
});
