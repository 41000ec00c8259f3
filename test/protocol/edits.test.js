// Typing in an editor with incremental sync: every change reaches the analysing threads as the
// editor's edits once a thread has kept the document, and the diagnostics of every version are
// those of the editor's text, whatever mix of ranges, several changes per notification, reopening
// under the same URI, or threads that missed versions.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { TextDocument } = require('vscode-languageserver-textdocument');
const { startSession, VULNERABLE } = require('./lsp-harness');
const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
const { defaultSettings, staticOptionsFrom } = require('../../server/dist/config/validate.js');
const { prng: random } = require('../support/random');

const URI = 'file:///work/app/routes/typed.js';
const OPTIONS = staticOptionsFrom(defaultSettings());

/** What the diagnostics of `text` must be: rule and range of each finding, in order. */
function expected(text) {
  const doc = TextDocument.create(URI, 'javascript', 0, text);
  return analyzeDocument({ fileName: URI, text, language: 'js' }, OPTIONS)
    .findings.map((f) => `${f.ruleId} ${JSON.stringify([doc.positionAt(f.span.start), doc.positionAt(f.span.end)])}`)
    .sort();
}

const got = (diagnostics) =>
  diagnostics.filter((d) => d.source === 'orbit-ls' && d.code !== 'analysis-incomplete').map((d) => `${d.code} ${JSON.stringify([d.range.start, d.range.end])}`).sort();

const INSERTS = ['', ' ', '\n', 'req.query.id', " + '", '/* ü */', "\n  db.all('SELECT 1');\n", '}', '('];

test('diagnostics after every incremental change equal a fresh analysis of the editor\'s text, on two threads', async () => {
  const s = await startSession({ initializationOptions: { debounceMs: 0, pool: { size: 2 } } });
  const rnd = random(21);
  let doc = TextDocument.create(URI, 'javascript', 1, VULNERABLE);
  await s.open(URI, VULNERABLE);
  assert.deepEqual(got(await s.diagnostics(URI, 1)), expected(VULNERABLE));
  for (let version = 2; version <= 30; version++) {
    const changes = [];
    const copy = TextDocument.create(URI, 'javascript', 0, doc.getText());
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const text = copy.getText();
      const a = Math.floor(rnd() * (text.length + 1));
      const b = Math.min(text.length, a + Math.floor(rnd() * 10));
      const change = { range: { start: copy.positionAt(a), end: copy.positionAt(b) }, text: INSERTS[Math.floor(rnd() * INSERTS.length)] };
      changes.push(change);
      TextDocument.update(copy, [change], copy.version + 1);
    }
    doc = TextDocument.update(doc, changes, version);
    await s.change(URI, version, changes);
    assert.deepEqual(got(await s.diagnostics(URI, version)), expected(doc.getText()), `version ${version}`);
  }
  await s.stop();
});

test('a document closed and opened again under the same URI, with versions starting over, is analysed as its new text', async () => {
  const s = await startSession({ initializationOptions: { debounceMs: 0, pool: { size: 1 } } });
  const first = VULNERABLE;
  await s.open(URI, first);
  await s.diagnostics(URI, 1);
  const at = TextDocument.create(URI, 'javascript', 0, first).positionAt(first.indexOf('db.all'));
  await s.change(URI, 2, [{ range: { start: at, end: at }, text: '// ' }]);
  await s.diagnostics(URI, 2);
  await s.closeDocument(URI);
  // Same URI, a text of the same length, and the same edit at version 2: only the text differs.
  const second = first.replace('req.query.id', "'constant_id'".padEnd('req.query.id'.length, ' ').slice(0, 'req.query.id'.length));
  assert.equal(second.length, first.length);
  await s.open(URI, second);
  await s.diagnostics(URI, 1);
  await s.change(URI, 2, [{ range: { start: at, end: at }, text: '// ' }]);
  const afterEdit = TextDocument.applyEdits(TextDocument.create(URI, 'javascript', 0, second), [{ range: { start: at, end: at }, newText: '// ' }]);
  assert.deepEqual(got(await s.diagnostics(URI, 2)), expected(afterEdit));
  await s.stop();
});
