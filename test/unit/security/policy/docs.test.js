// docs/rules.md documents every registered rule: a section headed by its id, its CWEs, its default
// severity, and a row in the summary table, so a new rule cannot ship undocumented.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { allRules } = require('../../../../server/dist/core/security/registry.js');

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'rules.md'), 'utf8');

/** The text of the `### id` section, up to the next heading of the same or higher level. */
function section(id) {
  const start = DOC.indexOf(`\n### ${id}\n`);
  if (start < 0) return undefined;
  const rest = DOC.slice(start + 1);
  const end = rest.slice(4).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 4);
}

for (const rule of allRules()) {
  test(`docs/rules.md documents ${rule.id}`, () => {
    const body = section(rule.id);
    assert.ok(body, `a "### ${rule.id}" section`);
    for (const cwe of rule.cwe) assert.ok(body.includes(cwe.replace('CWE-', '')), `${rule.id} mentions ${cwe}`);
    assert.ok(body.includes(rule.defaultSeverity), `${rule.id} states its default severity ${rule.defaultSeverity}`);
    assert.match(body, /```/, `${rule.id} has an example`);
    const row = DOC.split('\n').find((l) => l.startsWith(`| [${rule.id}](#${rule.id}) |`));
    assert.ok(row, `${rule.id} has a row in the summary table`);
    assert.ok(row.includes(rule.cwe[0]), `${rule.id}'s row names ${rule.cwe[0]}`);
    assert.ok(row.includes(`| ${rule.hasFix ? 'yes' : 'no'} |`), `${rule.id}'s row says whether it has a fix`);
  });
}
