// Data-driven rule tests: every fixture under test/fixtures/security/<rule>/{vulnerable,safe}
// must produce exactly the findings its `// expect:` markers name, and every fix must work.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { analyze, lineOf, expectations, ruleFixtures, checkEveryFix, ruleDirs } = require('./harness');
const { allRules } = require('../../../server/dist/core/static-analysis.js');

const HAS_FIX = new Map(allRules().map((r) => [r.id, r.hasFix]));

for (const ruleId of ruleDirs()) {
  test(`${ruleId}: fixtures`, async (t) => {
    for (const fx of ruleFixtures(ruleId)) {
      await t.test(fx.name, () => {
        const result = analyze(fx.text, path.basename(fx.file));
        assert.deepEqual(result.errors.filter((e) => e.kind !== 'syntax'), [], 'no analysis errors');
        assert.deepEqual(result.errors, [], 'fixture parses');
        const expected = expectations(fx.text);
        const ids = new Set([ruleId, ...expected.map((e) => e.ruleId)]);
        const actual = result.findings
          .filter((f) => ids.has(f.ruleId))
          .map((f) => `${lineOf(fx.text, f.span.start)}:${f.ruleId}`)
          .sort();
        const want = expected.map((e) => `${e.line}:${e.ruleId}`).sort();
        assert.deepEqual(actual, want, result.findings.map((f) => f.message).join('\n'));
        if (fx.kind === 'safe') assert.equal(expected.length, 0, 'safe fixtures carry no expect markers');
        for (const f of result.findings.filter((x) => x.ruleId === ruleId)) {
          assert.match(f.message, /\(CWE-\d+\)$/);
          assert.ok(f.flow && f.flow.length >= 2, 'flow from source to sink');
        }
      });
    }
  });

  test(`${ruleId}: every quick fix parses and removes its finding`, () => {
    const applied = checkEveryFix(ruleId);
    if (HAS_FIX.get(ruleId)) assert.ok(applied >= 4, `${ruleId} offers fixes on its fixtures (applied ${applied})`);
  });
}
