// Incremental analysis gives the findings of a fresh analysis: seeded random edit sequences over
// the fixture corpus (insertions, deletions and replacements, edits that break the syntax, edits
// to the imports and to module-level constants), each version analysed through a document's kept
// syntax tree and from scratch, compared after every edit. Bounded by a count of edits.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');
const { prng: random } = require('../../support/random');

// Two separate copies of the analysis modules: the incremental side's memos must be kept right by
// its own parses alone, never emptied as a side effect of the fresh analysis it is compared with.
const DIST = path.join(__dirname, '..', '..', '..', 'server', 'dist');
function loadAnalysis() {
  for (const key of Object.keys(require.cache)) if (key.startsWith(DIST)) delete require.cache[key];
  return require(path.join(DIST, 'core', 'static-analysis.js')).analyzeDocument;
}
const analyzeFresh = loadAnalysis();
const analyzeKept = loadAnalysis();
/** Incremental (with a slot) through one copy, fresh (without) through the other. */
function analyzeDocument(doc, options, slot) {
  return slot ? analyzeKept(doc, options, slot) : analyzeFresh(doc, options);
}

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const FILES_PER_RUN = 48;
const EDITS_PER_FILE = 12;

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(file));
    else if (/\.(js|jsx|ts|tsx|mjs|cjs)$/.test(entry.name)) out.push(file);
  }
  return out.sort();
}

const SNIPPETS = [
  'x', ' ', '\n', '{', '}', '(', ')', ';', '"', '`', '/*', '*/', '//', '=>', 'req.query.id', 'req.body',
  'exec(req.body.cmd);\n', "db.query('SELECT * FROM t WHERE id = ' + req.params.id);\n",
  'const limit = Number(req.query.limit);\n', 'function helper(v) { return v; }\n',
  'res.send(req.query.name);\n', "app.get('/x', (req, res) => { res.redirect(req.query.next); });\n",
];
const IMPORTS = [
  "const { exec } = require('child_process');\n", "const cp = require('child_process');\n",
  "import express from 'express';\n", "const db = require('./db');\n", "const crypto = require('crypto');\n",
  "const sanitize = require('./sanitize');\n",
];
const CONSTANTS = ["'admin'", "'s3cr3t-password-123'", '10', '1000000', 'req.query.x', "'SELECT * FROM users LIMIT ?'", '[]', 'null'];

/** One random edit of `text`: { start, end, newText } in the old text's offsets. */
function randomEdit(text, rnd) {
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const at = () => Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  if (kind < 0.3) {
    const start = at();
    return { start, end: start, newText: pick(SNIPPETS) };
  }
  if (kind < 0.5) {
    const start = at();
    return { start, end: Math.min(text.length, start + 1 + Math.floor(rnd() * 24)), newText: '' };
  }
  if (kind < 0.65) {
    const start = at();
    return { start, end: Math.min(text.length, start + 1 + Math.floor(rnd() * 12)), newText: pick(SNIPPETS) };
  }
  if (kind < 0.8) {
    // The imports: add one at the top, or remove or rewrite an existing one.
    const existing = [...text.matchAll(/^.*\b(require\(|import\b).*$/gm)];
    if (existing.length > 0 && rnd() < 0.5) {
      const m = pick(existing);
      return { start: m.index, end: m.index + m[0].length, newText: rnd() < 0.5 ? '' : pick(IMPORTS).trimEnd() };
    }
    return { start: 0, end: 0, newText: pick(IMPORTS) };
  }
  if (kind < 0.95) {
    // A module-level binding's value, which every function reading it depends on.
    const bindings = [...text.matchAll(/^(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*([^;\n]+)/gm)];
    if (bindings.length > 0) {
      const m = pick(bindings);
      const start = m.index + m[0].length - m[1].length;
      return { start, end: start + m[1].length, newText: pick(CONSTANTS) };
    }
    return { start: 0, end: 0, newText: `const LIMIT = ${pick(CONSTANTS)};\n` };
  }
  // Undo-like: remove a whole line, often a brace that closes a function.
  const lines = [...text.matchAll(/^.*$/gm)];
  const m = pick(lines);
  return { start: m.index, end: Math.min(text.length, m.index + m[0].length + 1), newText: '' };
}

/**
 * Runs one seeded sequence per file. Each version goes through `slot` (the document's kept tree,
 * as a worker keeps it) and through a fresh analysis; `skip` sometimes leaves versions out of the
 * slot, as when another worker analysed them.
 */
function differential(files, seed, { options = DEFAULT_STATIC_OPTIONS } = {}) {
  const rnd = random(seed);
  const mismatches = [];
  let compared = 0;
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    const fileName = path.basename(file);
    const slot = {};
    analyzeDocument({ fileName, text }, options, slot);
    for (let i = 0; i < EDITS_PER_FILE; i++) {
      const edit = randomEdit(text, rnd);
      text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
      if (rnd() < 0.15) continue;
      const incremental = analyzeDocument({ fileName, text }, options, slot);
      const fresh = analyzeDocument({ fileName, text }, options);
      compared++;
      try {
        assert.deepStrictEqual(incremental, fresh);
      } catch {
        mismatches.push(`${path.relative(FIXTURES, file)}, edit ${i + 1} (seed ${seed}): ${JSON.stringify(edit)}`);
        break;
      }
    }
  }
  return { mismatches, compared };
}

function sample(files, n, rnd) {
  const pool = [...files];
  const out = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  return out;
}

const CORPUS = sourceFiles(path.join(FIXTURES, 'security')).concat(sourceFiles(path.join(FIXTURES, 'cross-file')));

for (const seed of [1, 2, 3]) {
  test(`incremental findings equal fresh findings after every edit (seed ${seed})`, () => {
    const files = sample(CORPUS, FILES_PER_RUN, random(seed * 7919));
    const { mismatches, compared } = differential(files, seed);
    assert.deepEqual(mismatches, []);
    assert.ok(compared >= FILES_PER_RUN * EDITS_PER_FILE * 0.7, `compared ${compared} versions`);
  });
}

test('incremental findings equal fresh findings on a generated Express app edited inside one handler and at its imports', () => {
  const { expressFile } = require('../../bench/generate');
  let text = expressFile(400);
  const slot = {};
  const rnd = random(42);
  analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS, slot);
  for (let i = 0; i < 30; i++) {
    const handler = text.indexOf("app.get('/items/", Math.floor(rnd() * text.length * 0.8));
    const at = handler < 0 ? text.length >> 1 : handler + 20;
    const edit = i % 5 === 4 ? randomEdit(text, rnd) : { start: at, end: at + (i % 2), newText: i % 3 === 0 ? ' + req.query.q' : 'x' };
    text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
    const incremental = analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS, slot);
    const fresh = analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS);
    assert.deepStrictEqual(incremental, fresh, `edit ${i + 1}: ${JSON.stringify(edit)}`);
  }
});

test('a tree of another language or of a text blanked for deep nesting is not reused', () => {
  const slot = {};
  const ts = "const x: number = 1;\napp.get('/a', (req, res) => res.send(req.query.a));\n";
  analyzeDocument({ fileName: 'a.ts', text: ts }, DEFAULT_STATIC_OPTIONS, slot);
  const asJs = analyzeDocument({ fileName: 'a.js', text: ts }, DEFAULT_STATIC_OPTIONS, slot);
  assert.deepStrictEqual(asJs, analyzeDocument({ fileName: 'a.js', text: ts }, DEFAULT_STATIC_OPTIONS));
  const deep = `${'('.repeat(300)}1${')'.repeat(300)};\n${ts}`;
  const nested = analyzeDocument({ fileName: 'a.ts', text: deep }, DEFAULT_STATIC_OPTIONS, slot);
  assert.deepStrictEqual(nested, analyzeDocument({ fileName: 'a.ts', text: deep }, DEFAULT_STATIC_OPTIONS));
  const back = analyzeDocument({ fileName: 'a.ts', text: ts }, DEFAULT_STATIC_OPTIONS, slot);
  assert.deepStrictEqual(back, analyzeDocument({ fileName: 'a.ts', text: ts }, DEFAULT_STATIC_OPTIONS));
});

test('the analyzeStatic worker task keeps each document\'s tree apart: interleaved edits to several documents give fresh findings', () => {
  const { analyzeStatic } = require(path.join(DIST, 'workers', 'tasks', 'analyze-static.js'));
  const { expressFile } = require('../../bench/generate');
  const rnd = random(7);
  const docs = [0, 1, 2].map((k) => ({ fileName: `file:///work/app-${k}.js`, text: expressFile(120 + 60 * k) }));
  for (let i = 0; i < 36; i++) {
    const doc = docs[Math.floor(rnd() * docs.length)];
    const edit = randomEdit(doc.text, rnd);
    doc.text = doc.text.slice(0, edit.start) + edit.newText + doc.text.slice(edit.end);
    const kept = analyzeStatic({ document: { fileName: doc.fileName, text: doc.text, language: 'js', imports: {} }, options: DEFAULT_STATIC_OPTIONS });
    const fresh = analyzeDocument({ fileName: doc.fileName, text: doc.text, language: 'js', imports: {} }, DEFAULT_STATIC_OPTIONS);
    assert.deepStrictEqual(kept, fresh, `${doc.fileName}, edit ${i + 1}: ${JSON.stringify(edit)}`);
  }
});

module.exports = { differential, CORPUS, random, randomEdit, sample };
