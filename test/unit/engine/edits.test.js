// Edits instead of texts: the server records the editor's changes as offsets, the static pass sends
// a worker only those when it kept an earlier version, and the worker rebuilds the text from them.
// Whatever route the text takes, the findings are those of the editor's text.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { TextDocument } = require('vscode-languageserver-textdocument');
const { replay } = require('../../../server/dist/core/source/edits.js');
const { createEditLog } = require('../../../server/dist/protocol/edit-log.js');
const { analyzeStatic } = require('../../../server/dist/workers/tasks/analyze-static.js');
const { analyzeSnapshot } = require('../../../server/dist/engine/document-analysis.js');
const { createPool } = require('../../../server/dist/engine/pool.js');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { defaultSettings, staticOptionsFrom } = require('../../../server/dist/config/validate.js');
const DEFAULT_SETTINGS = defaultSettings();
const { VULNERABLE } = require('../../support/express-app');

function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A random LSP content change of `text`: a range (sometimes reversed, sometimes past the end) and new text. */
function randomChange(rnd, doc) {
  const text = doc.getText();
  if (rnd() < 0.05) return { text: `// whole\n${text.slice(0, Math.floor(rnd() * text.length))}` };
  const a = Math.floor(rnd() * (text.length + 1));
  const b = Math.min(text.length, a + Math.floor(rnd() * 12));
  const inserts = ['', 'x', '\n', '\r\n', 'req.query.q', ' + ', '/* é 😀 */', '\n  db.all(q);\n'];
  const range = { start: doc.positionAt(a), end: doc.positionAt(b) };
  if (rnd() < 0.1) [range.start, range.end] = [range.end, range.start];
  if (rnd() < 0.05) range.end = { line: range.end.line + 50, character: 0 };
  return { range, text: inserts[Math.floor(rnd() * inserts.length)] };
}

test('replaying the recorded changes gives exactly the document store\'s text, for single and several changes per notification', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rnd = random(seed);
    const log = createEditLog();
    const uri = `file:///w/${seed}.js`;
    let doc = TextDocument.create(uri, 'javascript', 1, VULNERABLE);
    log.opened(uri);
    let kept = { generation: log.chain(uri, 1, doc.getText().length).generation, version: 1, text: doc.getText() };
    for (let version = 2; version < 200; version++) {
      const changes = [];
      const copy = TextDocument.create(uri, 'javascript', doc.version, doc.getText());
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        const change = randomChange(rnd, copy);
        changes.push(change);
        TextDocument.update(copy, [change], copy.version + 1);
      }
      log.record(doc, version, changes);
      doc = TextDocument.update(TextDocument.create(uri, 'javascript', doc.version, doc.getText()), changes, version);
      const chain = log.chain(uri, version, doc.getText().length);
      // Sometimes from the previous version, sometimes from several versions back.
      assert.equal(replay(kept, chain), doc.getText(), `seed ${seed}, version ${version}`);
      if (rnd() < 0.3) kept = { ...kept, version, text: doc.getText() };
    }
  }
});

test('a kept text is not replayed on when it belongs to another opening, is too old, or the result has the wrong length', () => {
  const log = createEditLog();
  const uri = 'file:///w/a.js';
  const before = TextDocument.create(uri, 'javascript', 1, 'abc');
  log.opened(uri);
  log.record(before, 2, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } }, text: 'XY' }]);
  const chain = log.chain(uri, 2, 4);
  const kept = { generation: chain.generation, version: 1, text: 'abc' };
  assert.equal(replay(kept, chain), 'aXYc');
  assert.equal(replay({ ...kept, generation: chain.generation + 1 }, chain), undefined, 'another opening of the same URI');
  assert.equal(replay({ ...kept, version: 0 }, chain), undefined, 'a version the chain does not reach back to');
  assert.equal(replay({ ...kept, text: 'abcd' }, chain), undefined, 'a kept text that is not the editor\'s');
  assert.equal(replay(undefined, chain), undefined);
  // Closed and opened again: versions start over, and the old chain is not offered.
  log.forget(uri);
  log.opened(uri);
  const again = log.chain(uri, 2, 4);
  assert.notEqual(again.generation, chain.generation);
  assert.deepEqual(again.steps, []);
});

test('the log keeps the recent past only: a worker far behind gets no chain it could replay', () => {
  const log = createEditLog();
  const uri = 'file:///w/long.js';
  let doc = TextDocument.create(uri, 'javascript', 1, '');
  log.opened(uri);
  const first = { generation: log.chain(uri, 1, 0).generation, version: 1, text: '' };
  for (let version = 2; version <= 200; version++) {
    const change = { range: { start: doc.positionAt(0), end: doc.positionAt(0) }, text: 'x' };
    log.record(doc, version, [change]);
    doc = TextDocument.update(doc, [change], version);
  }
  const chain = log.chain(uri, 200, 199);
  assert.ok(chain.steps.length <= 64, `${chain.steps.length} steps kept`);
  assert.equal(replay(first, chain), undefined);
  assert.equal(replay({ ...first, version: 199, text: 'x'.repeat(198) }, chain), 'x'.repeat(199));
});

const OPTIONS = staticOptionsFrom(DEFAULT_SETTINGS);

test('the analyzeStatic task rebuilds the text from edits it can replay, and asks for the text when it cannot', () => {
  const fileName = 'file:///w/task-app.js';
  const fixed = VULNERABLE.replace('SELECT', 'SELECT /* */');
  const generation = 1e6;
  const first = analyzeStatic({ document: { fileName, text: VULNERABLE, language: 'js', imports: {} }, options: OPTIONS, kept: { generation, version: 1 } });
  assert.ok(first.findings.length > 0);
  const at = VULNERABLE.indexOf('SELECT') + 'SELECT'.length;
  const chain = { generation, version: 2, steps: [{ from: 1, to: 2, changes: [{ start: at, end: at, text: ' /* */' }] }], length: fixed.length };
  const second = analyzeStatic({ document: { fileName, language: 'js', imports: {} }, options: OPTIONS, edits: chain });
  assert.equal(second.needsText, undefined);
  assert.deepEqual(second, analyzeDocument({ fileName, text: fixed, language: 'js', imports: {} }, OPTIONS));
  // The same version again (settings changed, say) needs no step at all.
  assert.deepEqual(analyzeStatic({ document: { fileName, language: 'js', imports: {} }, options: OPTIONS, edits: { ...chain, steps: [] } }), second);
  // Another document, or another opening of this one, has nothing to replay on.
  assert.equal(analyzeStatic({ document: { fileName: 'file:///w/other.js', language: 'js', imports: {} }, options: OPTIONS, edits: chain }).needsText, true);
  assert.equal(analyzeStatic({ document: { fileName, language: 'js', imports: {} }, options: OPTIONS, edits: { ...chain, generation: generation + 1 } }).needsText, true);
});

test('through real worker threads, a document is sent as edits once a thread kept it, and every version\'s findings are the text\'s', async () => {
  const real = createPool({ size: 2 });
  const sent = [];
  const pool = { size: real.size, run: (name, input, options) => (sent.push(input), real.run(name, input, options)), close: () => real.close(), stats: () => real.stats() };
  const uri = 'file:///w/threads-app.js';
  const log = createEditLog();
  log.opened(uri);
  let doc = TextDocument.create(uri, 'javascript', 1, VULNERABLE);
  const rnd = random(7);
  const settings = { ...DEFAULT_SETTINGS };
  try {
    for (let version = 1; version <= 30; version++) {
      if (version > 1) {
        const change = randomChange(rnd, doc);
        log.record(doc, version, [change]);
        doc = TextDocument.update(TextDocument.create(uri, 'javascript', doc.version, doc.getText()), [change], version);
      }
      const text = doc.getText();
      /** @type {import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */
      const snapshot = { uri, version, text, language: 'js', edits: log.chain(uri, version, text.length) };
      const report = await analyzeSnapshot(pool, snapshot, settings, new AbortController().signal, {});
      const fresh = analyzeDocument({ fileName: uri, text, language: 'js', imports: {} }, staticOptionsFrom(settings));
      assert.deepEqual(report.findings, fresh.findings, `version ${version}`);
    }
  } finally {
    await pool.close();
  }
  const withText = sent.filter((i) => typeof i.document.text === 'string').length;
  const editsOnly = sent.filter((i) => i.document.text === undefined).length;
  // The first version goes as text; afterwards each thread needs the text at most once.
  assert.ok(editsOnly >= 29, `${editsOnly} tasks sent edits`);
  assert.ok(withText <= 1 + real.size, `${withText} tasks sent the whole text`);
});
