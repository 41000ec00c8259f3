// The rule registry the server reads for SARIF, code descriptions and the settings schema.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { allRules } = require('../../../server/dist/core/static-analysis.js');

test('every rule has complete, well-formed metadata', () => {
  const rules = allRules();
  assert.ok(rules.length >= 2);
  const ids = new Set();
  for (const r of rules) {
    assert.match(r.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(!ids.has(r.id), `unique id ${r.id}`);
    ids.add(r.id);
    assert.ok(r.cwe.length > 0 && r.cwe.every((c) => /^CWE-\d+$/.test(c)));
    assert.ok(['error', 'warning', 'information', 'hint'].includes(r.defaultSeverity));
    assert.ok(r.title && r.description);
    assert.equal(r.docsUrl, `https://cwe.mitre.org/data/definitions/${r.cwe[0].slice(4)}.html`);
    assert.equal(typeof r.hasFix, 'boolean');
  }
  assert.ok(ids.has('sql-injection') && ids.has('command-injection'));
});
