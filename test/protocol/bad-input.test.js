// Bad input, one test each: the server answers every document with diagnostics (or nothing, for
// languages it does not analyse) and keeps working afterwards.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, VULNERABLE } = require('./lsp-harness');

/** After any bad input the same session must still find the canonical vulnerability. */
async function stillWorks(s) {
  const uri = `file:///work/after-${s.published.length}.js`;
  await s.open(uri, VULNERABLE);
  const diagnostics = await s.diagnostics(uri, 1);
  assert.ok(diagnostics.some((d) => d.code === 'sql-injection'), 'the server still analyses documents afterwards');
}

test('syntax errors: what parses is still analysed, and nothing throws', async () => {
  const s = await startSession();
  const broken = `${VULNERABLE}\nfunction oops( {\n  return ;;; }}\nconst = ;\n`;
  await s.open('file:///work/broken.js', broken);
  const diagnostics = await s.diagnostics('file:///work/broken.js', 1);
  assert.ok(diagnostics.some((d) => d.code === 'sql-injection'), `the handler above the broken code is still reported: ${JSON.stringify(diagnostics)}`);
  await s.stop();
});

test('a 5 MB file is not analysed and says how to change that', async () => {
  const s = await startSession();
  const big = `${VULNERABLE}\n${'const filler = 1;\n'.repeat(Math.ceil(5_000_000 / 18))}`;
  await s.open('file:///work/big.js', big);
  const [notice] = await s.diagnostics('file:///work/big.js', 1);
  assert.equal(notice.severity, 3);
  assert.match(notice.message, /did not analyse this file: .*more than orbit\.maxFileSize \(2000000\)\. Raise orbit\.maxFileSize/);
  await stillWorks(s);
  await s.stop();
});

test('a binary file opened as JavaScript gets diagnostics (possibly none) and no crash', async () => {
  const s = await startSession();
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  await s.open('file:///work/blob.js', bytes.toString('latin1'));
  const diagnostics = await s.diagnostics('file:///work/blob.js', 1);
  assert.ok(Array.isArray(diagnostics));
  await stillWorks(s);
  await s.stop();
});

test('10,000-deep nested expressions are answered, not a crash', async () => {
  const s = await startSession();
  const depth = 10_000;
  const deep = `const x = ${'('.repeat(depth)}1${')'.repeat(depth)};\nconst y = ${'[' .repeat(depth)}${']'.repeat(depth)};\n${VULNERABLE}`;
  await s.open('file:///work/deep.js', deep);
  const diagnostics = await s.diagnostics('file:///work/deep.js', 1, 20_000);
  // The deep lines cost the file nothing: the handler below them is still analysed.
  assert.ok(diagnostics.some((d) => d.code === 'sql-injection'), JSON.stringify(diagnostics.map((d) => d.code)));
  assert.ok(diagnostics.every((d) => d.source === 'orbit-ls'));
  await stillWorks(s);
  await s.stop();
});

test('an unknown languageId is not analysed and does not disturb the session', async () => {
  const s = await startSession();
  await s.open('file:///work/notes.md', VULNERABLE, { languageId: 'markdown' });
  await s.open('file:///work/query.sql', VULNERABLE, { languageId: 'sql' });
  await stillWorks(s);
  assert.deepEqual(s.publishedFor('file:///work/notes.md'), []);
  assert.deepEqual(s.publishedFor('file:///work/query.sql'), []);
  const actions = await s.client.sendRequest('textDocument/codeAction', {
    textDocument: { uri: 'file:///work/notes.md' },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    context: { diagnostics: [] },
  });
  assert.deepEqual(actions, []);
  await s.stop();
});

test('a document closed mid-analysis gets its clearing publish and nothing after it', async () => {
  const s = await startSession();
  const uri = 'file:///work/closing.js';
  const text = `${VULNERABLE}\n${'app.get("/x", (req, res) => res.send(req.query.a + 1));\n'.repeat(3000)}`;
  await s.open(uri, text);
  await s.closeDocument(uri);
  await stillWorks(s);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const lists = s.publishedFor(uri);
  assert.deepEqual(lists[lists.length - 1].diagnostics, [], 'the last word on a closed document is an empty list');
  await s.stop();
});

test('a configuration of the wrong type: a warning, the default, and a working session', async () => {
  const s = await startSession({ configuration: () => ({ maxFileSize: 'huge', extraSources: 'req.magic' }) });
  await s.open('file:///work/app.js', VULNERABLE);
  assert.ok((await s.diagnostics('file:///work/app.js', 1)).some((d) => d.code === 'sql-injection'));
  await s.waitFor(() => s.messages.find((m) => /orbit\.maxFileSize: .*"huge"; using the default 2000000/.test(m.message)), 'a maxFileSize warning');
  await s.waitFor(() => s.messages.find((m) => /orbit\.extraSources: expected an array of strings, got "req\.magic"; using the default \[\]/.test(m.message)), 'an extraSources warning');
  await s.stop();
});
