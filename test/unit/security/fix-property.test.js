// The fix property over every fixture: each quick fix, applied on its own, leaves a file that still
// loads (no duplicate declaration), changes nothing outside its edits, removes its finding, adds no
// finding, and writes no doubled call such as Number(Number(x)).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { sourceFiles, checkFiles, checkFix } = require('../../support/fix-property');
const { analyze } = require('./harness');
const { allRules } = require('../../../server/dist/core/static-analysis.js');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

test('every fix offered on every fixture keeps the file loading and changes only what it fixes', () => {
  const files = sourceFiles(FIXTURES);
  const summary = checkFiles(files, { root: FIXTURES });
  assert.equal(summary.files, files.length);
  const report = summary.failures.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.problems.join('; ')}`).join('\n');
  assert.deepEqual(report, '', 'no fix breaks its file');
  // Not vacuous: every rule that offers fixes had its fixes applied here.
  const withFixes = allRules().filter((r) => r.hasFix).map((r) => r.id);
  const untested = withFixes.filter((id) => !summary.byRule[id]);
  assert.deepEqual(untested, [], 'every rule with a fix was exercised');
});

test('the checker catches a fix that breaks the file, spills outside its edits or doubles a call', () => {
  const text = "const express = require('express');\nconst app = express();\nfunction escapeHtml(s) { return s; }\napp.get('/', (req, res) => res.send(`<p>${req.query.q}</p>`));\n";
  const before = analyze(text, 'app.js').findings;
  const finding = before.find((f) => f.ruleId === 'xss');
  assert.ok(finding, 'the sample has an xss finding');
  const at = text.indexOf('req.query.q}');
  const wrap = { span: { start: at, end: at + 'req.query.q'.length }, newText: 'escapeHtml(req.query.q)' };
  const duplicate = { title: 'bad import', edits: [{ span: { start: 0, end: 0 }, newText: "const escapeHtml = require('escape-html');\n" }, wrap] };
  assert.match(checkFix({ text, fileName: 'app.js', before, finding, fix: duplicate }).problems.join('\n'), /does not load: Identifier 'escapeHtml' has already been declared/);
  const doubled = { title: 'doubled', edits: [{ ...wrap, newText: 'String(String(req.query.q))' }] };
  assert.match(checkFix({ text, fileName: 'app.js', before, finding, fix: doubled }).problems.join('\n'), /untidy output: String\(String\(/);
  const noop = { title: 'does nothing', edits: [{ span: { start: 0, end: 0 }, newText: '// hello\n' }] };
  assert.match(checkFix({ text, fileName: 'app.js', before, finding, fix: noop }).problems.join('\n'), /the finding is still reported/);
  const addsSink = { title: 'adds a sink', edits: [{ ...wrap, newText: 'Number(req.query.q)' }, { span: { start: text.length, end: text.length }, newText: "app.get('/x', (req, res) => res.send(`<b>${req.query.x}</b>`));\n" }] };
  assert.match(checkFix({ text, fileName: 'app.js', before, finding, fix: addsSink }).problems.join('\n'), /a new finding appears: xss/);
});
