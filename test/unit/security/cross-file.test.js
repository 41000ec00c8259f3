// Taint across relative imports: a route file analysed with the texts of the modules it imports
// (test/fixtures/cross-file/<kind>/<case>/, entry app.js or app.ts, `// expect:` markers in it).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { analyze, lineOf, expectations } = require('./harness');

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'cross-file');

/** The case's entry file and its relative imports, resolved the way the worker resolves them. */
function load(dir) {
  const entry = ['app.js', 'app.ts'].map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
  const text = fs.readFileSync(entry, 'utf8');
  const imports = {};
  for (const m of text.matchAll(/(?:require\(|from\s+)['"](\.\.?\/[^'"]+)['"]/g)) {
    const file = ['', '.js', '.ts'].map((e) => path.join(dir, m[1] + e)).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (file) imports[m[1]] = { fileName: file, text: fs.readFileSync(file, 'utf8') };
  }
  return { entry, text, imports };
}

const cases = ['vulnerable', 'safe'].flatMap((kind) => fs.readdirSync(path.join(ROOT, kind)).sort().map((name) => ({ kind, name, dir: path.join(ROOT, kind, name) })));

for (const c of cases) {
  test(`${c.kind}/${c.name}: finds what the markers expect, at the call site`, () => {
    const { entry, text, imports } = load(c.dir);
    assert.ok(Object.keys(imports).length > 0, 'the case imports a module');
    const r = analyzeWith(entry, text, imports);
    assert.deepEqual(r.errors, []);
    const got = r.findings.map((f) => `${lineOf(text, f.span.start)}:${f.ruleId}`).sort();
    const want = expectations(text).map((e) => `${e.line}:${e.ruleId}`).sort();
    assert.deepEqual(got, want, r.findings.map((f) => f.message).join('\n'));
  });
}

test('sinks inside the imported module are only seen with its text', () => {
  for (const name of ['sql-helper', 'esm-typescript']) {
    const { entry, text } = load(path.join(ROOT, 'vulnerable', name));
    assert.deepEqual(analyzeWith(entry, text, undefined).findings, [], name);
  }
});

test('an imported validator that returns a number removes the finding the file alone would have', () => {
  const { entry, text, imports } = load(path.join(ROOT, 'safe', 'validating-helper'));
  assert.deepEqual(analyzeWith(entry, text, undefined).findings.map((f) => f.ruleId), ['sql-injection']);
  assert.deepEqual(analyzeWith(entry, text, imports).findings, []);
});

test('an imported helper that returns its argument unsanitised passes the taint on', () => {
  const { entry, text, imports } = load(path.join(ROOT, 'vulnerable', 'passthrough-helper'));
  const [f] = analyzeWith(entry, text, imports).findings;
  assert.ok(f.flow.some((s) => s.message === 'returned by normaliseHost()'), JSON.stringify(f.flow));
});

test('the message names the function and where its sink is; the flow continues into the other file', () => {
  const { entry, text, imports } = load(path.join(ROOT, 'vulnerable', 'sql-helper'));
  const f = analyzeWith(entry, text, imports).findings[0];
  assert.equal(f.message, 'User input from req.query.name reaches a SQL query in findUser() (./db.js:8) (CWE-89)');
  assert.equal(text.slice(f.span.start, f.span.start + 9), 'findUser(');
  const db = imports['./db'];
  const inside = f.flow.filter((s) => s.fileName === db.fileName);
  assert.ok(inside.length >= 1, JSON.stringify(f.flow));
  assert.equal(db.text.slice(inside[inside.length - 1].span.start, inside[inside.length - 1].span.end), 'sql');
  assert.equal(f.flow[0].fileName, undefined, 'the source is in the route file');
});

test('a rule turned off is off across files too, and broken imported code is not fatal', () => {
  const { entry, text, imports } = load(path.join(ROOT, 'vulnerable', 'sql-helper'));
  assert.deepEqual(analyze(text, entry, { rules: { 'sql-injection': 'off' } }).findings, []);
  const broken = { './db': { fileName: imports['./db'].fileName, text: 'function findUser(name {{{ ' } };
  const r = analyzeWith(entry, text, broken);
  assert.deepEqual(r.findings, []);
  assert.ok(r.errors.every((e) => e.kind !== 'internal'));
});

function analyzeWith(fileName, text, imports) {
  const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
  const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');
  return analyzeDocument({ fileName, text, ...(imports ? { imports } : {}) }, DEFAULT_STATIC_OPTIONS);
}
