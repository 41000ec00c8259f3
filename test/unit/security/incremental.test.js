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


// Edits whose effect crosses function units: the findings they change sit outside the function
// they touch (in a helper, another route, the route registration, the session setup). A scheme
// that reuses an untouched function's findings must notice each of these; the test below checks
// that every one of them really moves a finding elsewhere, and that a reuse scheme without that
// invalidation is caught.
const CROSS_UNIT_APP = `const express = require('express');
const session = require('express-session');
const { exec } = require('child_process');
const sqlite3 = require('sqlite3');

const app = express();
const db = new sqlite3.Database('app.db');
let lastName = 'nobody';

function requireAuth(req, res, next) {
  if (!req.user) return res.sendStatus(401);
  next();
}

function configure() {
  app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
}

function archive(target) {
  exec('tar czf /tmp/out.tgz ' + target);
}

app.get('/account/settings', requireAuth, (req, res) => {
  res.json({ user: req.user.id });
});

app.post('/orders/:id', (req, res) => {
  db.run('DELETE FROM orders WHERE id = ?', [req.params.id]);
  res.sendStatus(204);
});

app.post('/jobs', (req, res) => {
  archive('daily');
  res.sendStatus(202);
});

app.get('/greet', (req, res) => {
  lastName = 'guest';
  res.send('hi');
});

app.get('/report', (req, res) => {
  db.all("SELECT * FROM people WHERE name = '" + lastName + "'", (err, rows) => res.json(rows));
});

configure();
app.listen(3000);
`;

/** Each edit toggles: `from` becomes `to`, or back when `to` is there. */
const CROSS_UNIT_EDITS = [
  { name: 'inline auth check in one route', from: "  db.run('DELETE", to: "  if (!req.user) return res.sendStatus(401);\n  db.run('DELETE" },
  { name: 'middleware list of a route', from: "app.get('/account/settings', requireAuth, ", to: "app.get('/account/settings', " },
  // `inward`: the finding moved sits in the edited function but exists because of code elsewhere
  // (the csrf finding on the session setup names a route; the helper's sink is fed by a route).
  { name: 'session setup inside a function', from: '  app.use(session({', to: '  app.use(json({', inward: true },
  { name: 'session cookie options', from: 'saveUninitialized: false }', to: "saveUninitialized: false, cookie: { sameSite: 'lax' } }", inward: true },
  { name: 'tainted argument into a same-file helper', from: "archive('daily')", to: 'archive(req.body.target)' },
  { name: 'write to an outer variable', from: "lastName = 'guest'", to: 'lastName = req.query.name' },
  { name: 'renaming a top-level function', from: 'function archive(', to: 'function archiveAll(', inward: true },
  { name: 'route path', from: "app.post('/orders/:id'", to: "app.post('/login/:id'" },
  { name: 'route method', from: "app.post('/jobs'", to: "app.get('/jobs'" },
];

/** Applies one toggle; returns the new text and the changed range in it. */
function toggle(text, edit) {
  const [a, b] = text.includes(edit.from) ? [edit.from, edit.to] : [edit.to, edit.from];
  const start = text.indexOf(a);
  if (start < 0 || a === '') throw new Error(`edit ${edit.name} does not apply`);
  return { text: text.slice(0, start) + b + text.slice(start + a.length), start, oldEnd: start + a.length, end: start + b.length };
}

/** The span of the outermost function holding [start, end) of `text`, if one does. */
function enclosingUnit(text, start, end) {
  const { findUnits } = require(path.join(DIST, 'core', 'source', 'units.js'));
  return findUnits('app.js', text).units.find((u) => u.topLevel && u.span.start <= start && end <= u.span.end)?.span;
}

/** Findings outside `span`, as rule, message and the text they point at (positions left out). */
function outside(result, text, span) {
  return result.findings
    .filter((f) => !span || f.span.end <= span.start || f.span.start >= span.end)
    .map((f) => `${f.ruleId} ${f.message} @ ${text.slice(f.span.start, f.span.end)}`)
    .sort();
}

/**
 * Per-function reuse without dependency tracking, as a cautionary model: after an edit inside one
 * function it re-analyses that function (taking its findings from a fresh analysis) and keeps
 * every other finding from the previous version, shifted. An edit outside all functions is
 * analysed in full.
 */
function naiveUnitReuse() {
  let previous;
  return (text, change) => {
    const fresh = analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS);
    const unit = previous && enclosingUnit(text, change.start, change.end);
    let result = fresh;
    if (unit) {
      const delta = change.end - change.oldEnd;
      const oldUnit = { start: unit.start, end: unit.end - delta };
      const shift = (f) => (f.span.start >= change.oldEnd ? { ...f, span: { start: f.span.start + delta, end: f.span.end + delta } } : f);
      const kept = previous.findings.filter((f) => f.span.end <= oldUnit.start || f.span.start >= oldUnit.end).map(shift);
      const inside = fresh.findings.filter((f) => f.span.start >= unit.start && f.span.end <= unit.end);
      result = { findings: [...kept, ...inside].sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId)), errors: fresh.errors };
    }
    previous = result;
    return result;
  };
}

/** Runs `steps` seeded toggles, analysing each version with `analyse` and from scratch. */
function crossUnitRun(seed, steps, analyse) {
  const rnd = random(seed);
  let text = CROSS_UNIT_APP;
  analyse(text, { start: 0, oldEnd: 0, end: 0 });
  const mismatches = [];
  for (let i = 0; i < steps; i++) {
    const edit = CROSS_UNIT_EDITS[Math.floor(rnd() * CROSS_UNIT_EDITS.length)];
    const change = toggle(text, edit);
    text = change.text;
    const got = analyse(text, change);
    const fresh = analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS);
    try {
      assert.deepStrictEqual(got, fresh);
    } catch {
      mismatches.push(`step ${i + 1} (seed ${seed}): ${edit.name}`);
    }
  }
  return mismatches;
}

test('every cross-function edit of the stress set changes findings outside the function it touches (inward ones: findings at all)', () => {
  for (const edit of CROSS_UNIT_EDITS) {
    // From the base app, and from the app with the helper already fed tainted data (so renaming
    // the helper and moving the session have something to move).
    const moved = [CROSS_UNIT_APP, toggle(CROSS_UNIT_APP, CROSS_UNIT_EDITS[4]).text].some((base) => {
      if (!base.includes(edit.from) && !base.includes(edit.to)) return false;
      const change = toggle(base, edit);
      const unitAfter = edit.inward ? undefined : enclosingUnit(change.text, change.start, change.end);
      const unitBefore = edit.inward ? undefined : enclosingUnit(base, change.start, change.oldEnd);
      const before = outside(analyzeDocument({ fileName: 'app.js', text: base }, DEFAULT_STATIC_OPTIONS), base, unitBefore);
      const after = outside(analyzeDocument({ fileName: 'app.js', text: change.text }, DEFAULT_STATIC_OPTIONS), change.text, unitAfter);
      return JSON.stringify(before) !== JSON.stringify(after);
    });
    assert.ok(moved, `${edit.name}: no finding outside the edited function changed`);
  }
});

for (const seed of [11, 12, 13]) {
  test(`incremental findings equal fresh findings under edits that cross function units (seed ${seed})`, () => {
    const slot = {};
    const mismatches = crossUnitRun(seed, 40, (text) => analyzeDocument({ fileName: 'app.js', text }, DEFAULT_STATIC_OPTIONS, slot));
    assert.deepEqual(mismatches, []);
  });
}

test('the cross-function edits catch per-function reuse that does not invalidate what depends on the edited function', () => {
  const mismatches = [11, 12, 13].flatMap((seed) => crossUnitRun(seed, 40, naiveUnitReuse()));
  assert.ok(mismatches.length > 0, 'reuse without invalidation went unnoticed');
  // Among them the classic ones: the sink in a helper fed by the edited route, and a route whose
  // authentication is decided inside its handler.
  assert.ok(mismatches.some((m) => /helper|outer variable|inline auth/.test(m)), mismatches.join('\n'));
});

module.exports = { differential, CORPUS, random, randomEdit, sample };
