// docs/configuration.md is checked against the schema: its reference section must be exactly what
// the schema renders. To regenerate it: UPDATE_DOCS=1 node --test test/unit/config/
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { renderSettingsReference, listSettings } = require('../../../server/dist/config/docs.js');

const DOC = path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md');
const BEGIN = '<!-- settings:begin (generated from server/src/config/schema.ts) -->';
const END = '<!-- settings:end -->';

test('docs/configuration.md documents every setting exactly as the schema says', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  assert.ok(start >= 0 && end > start, `docs/configuration.md must contain the markers ${BEGIN} … ${END}`);
  const expected = `${BEGIN}\n\n${renderSettingsReference()}\n${END}`;
  if (process.env.UPDATE_DOCS === '1') {
    fs.writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
    return;
  }
  assert.equal(doc.slice(start, end + END.length), expected, 'the settings reference is out of date; run UPDATE_DOCS=1 node --test test/unit/config/');
});

test('every setting has a description and a type', () => {
  for (const { key, spec } of listSettings()) {
    assert.ok(spec.description.length > 20, `${key} needs a description`);
    assert.ok(spec.type, `${key} needs a type`);
  }
});
