// codeDescription: a client that shows diagnostic links gets each finding's rule section in
// docs/rules.md (the anchor its Markdown heading gets); a client that does not gets no link.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const { startSession, VULNERABLE } = require('./lsp-harness');
const { headingAnchor } = require('../../server/dist/protocol/rule-docs.js');
const { allRules } = require('../../server/dist/core/security/registry.js');

const URI = 'file:///work/app/routes/users.js';
const RULES_MD = path.join(__dirname, '..', '..', 'docs', 'rules.md');
const ANCHORS = new Set((fs.readFileSync(RULES_MD, 'utf8').match(/^#{1,6}\s+.+$/gm) ?? []).map((h) => headingAnchor(h.replace(/^#+\s+/, ''))));

const capabilities = (codeDescriptionSupport) => ({
  workspace: { configuration: true },
  textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport } },
});

test("a client that supports codeDescription gets the link to the rule's section in docs/rules.md", async () => {
  const s = await startSession({ capabilities: capabilities(true) });
  try {
    await s.open(URI, VULNERABLE);
    const sql = (await s.diagnostics(URI, 1)).find((d) => d.code === 'sql-injection');
    const href = new URL(sql.codeDescription.href);
    assert.equal(href.protocol, 'file:');
    assert.equal(fileURLToPath(href), RULES_MD);
    assert.equal(href.hash, '#sql-injection');
    assert.ok(ANCHORS.has(href.hash.slice(1)));
  } finally {
    await s.stop();
  }
});

test('a client that does not support codeDescription gets no link', async () => {
  const s = await startSession({ capabilities: capabilities(false) });
  try {
    await s.open(URI, VULNERABLE);
    const sql = (await s.diagnostics(URI, 1)).find((d) => d.code === 'sql-injection');
    assert.ok(sql);
    assert.equal(sql.codeDescription, undefined);
  } finally {
    await s.stop();
  }
});

test('headings are anchored as Markdown renderers do, and every rule has a section to link to', () => {
  assert.equal(headingAnchor('orbit/inconsistent-effects'), 'orbitinconsistent-effects');
  assert.equal(headingAnchor('Sandbox rules (on save, and `orbit-ls check --sandbox`)'), 'sandbox-rules-on-save-and-orbit-ls-check---sandbox');
  for (const rule of allRules()) assert.ok(ANCHORS.has(headingAnchor(rule.id)), `docs/rules.md has a section for ${rule.id}`);
  for (const id of ['hidden-trigger', 'dormant-trigger', 'orbit/inconsistent-effects', 'orbit/model-contradicts-sandbox']) assert.ok(ANCHORS.has(headingAnchor(id)), id);
});
