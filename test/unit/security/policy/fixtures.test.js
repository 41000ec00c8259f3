// The policy rules against their fixtures: each file yields exactly the findings its
// `// expect:` markers name, every finding carries evidence, and every quick fix parses and
// removes its own finding without adding another.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { analyze, lineOf, expectations, ruleFixtures, checkEveryFix } = require('../harness');
const { POLICY_RULES } = require('../../../../server/dist/core/security/rules/policy/index.js');

for (const { meta } of POLICY_RULES) {
  const ruleId = meta.id;
  test(`${ruleId}: fixtures find what they expect and nothing else`, async (t) => {
    for (const fx of ruleFixtures(ruleId)) {
      await t.test(fx.name, () => {
        const result = analyze(fx.text, path.basename(fx.file));
        assert.deepEqual(result.errors, [], 'fixture parses and analyses cleanly');
        const want = expectations(fx.text).map((e) => `${e.line}:${e.ruleId}`).sort();
        // Every rule's findings are compared, so a policy fixture cannot hide a stray finding.
        const got = result.findings.map((f) => `${lineOf(fx.text, f.span.start)}:${f.ruleId}`).sort();
        assert.deepEqual(got, want, result.findings.map((f) => f.message).join('\n'));
        for (const f of result.findings.filter((x) => x.ruleId === ruleId)) {
          assert.match(f.message, new RegExp(`\\(${meta.cwe[0]}\\)$`));
          assert.ok(f.flow && f.flow.length >= 2, 'evidence shown as related information');
        }
      });
    }
  });

  if (!meta.hasFix) continue;
  test(`${ruleId}: every quick fix parses and removes its finding`, () => {
    const applied = checkEveryFix(ruleId);
    assert.ok(applied >= 2, `at least two fixes exercised, got ${applied}`);
  });
}
