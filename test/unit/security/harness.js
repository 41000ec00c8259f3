// Shared helpers for the security tests: run the static pass, read `// expect: rule-id` markers
// from fixture files, apply fixes.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'security');

function analyze(text, fileName = 'app.js', options = {}) {
  return analyzeDocument({ fileName, text }, { ...DEFAULT_STATIC_OPTIONS, ...options });
}

function lineOf(text, offset) {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Rule ids expected per line: `// expect: sql-injection` or `// expect: sql-injection, xss`. */
function expectations(text) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    const m = /(?:\/\/|\/\*|\{\/\*)\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/.exec(line);
    if (m) for (const id of m[1].split(/\s*,\s*/)) out.push({ line: i + 1, ruleId: id });
  });
  return out;
}

/** Every fixture file of a rule: { name, file, text, kind: 'vulnerable' | 'safe' }. */
function fixtures(ruleId) {
  const out = [];
  for (const kind of ['vulnerable', 'safe']) {
    const dir = path.join(FIXTURES, ruleId, kind);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/\.(js|jsx|ts|tsx)$/.test(name)) continue;
      const file = path.join(dir, name);
      out.push({ name: `${kind}/${name}`, file, text: fs.readFileSync(file, 'utf8'), kind });
    }
  }
  return out;
}

/** A rule's fixtures, after asserting it has at least 8 vulnerable and 8 safe ones. */
function ruleFixtures(ruleId) {
  const all = fixtures(ruleId);
  assert.ok(all.filter((f) => f.kind === 'vulnerable').length >= 8, 'at least 8 vulnerable fixtures');
  assert.ok(all.filter((f) => f.kind === 'safe').length >= 8, 'at least 8 safe fixtures');
  return all;
}

function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/**
 * Applies every quick fix offered on a rule's vulnerable fixtures and asserts that the fixed code
 * parses and has one finding of the rule fewer; returns how many fixes were applied.
 */
function checkEveryFix(ruleId) {
  let applied = 0;
  for (const fx of fixtures(ruleId).filter((f) => f.kind === 'vulnerable')) {
    const fileName = path.basename(fx.file);
    const before = analyze(fx.text, fileName).findings.filter((f) => f.ruleId === ruleId);
    for (const finding of before) {
      for (const fix of finding.fixes ?? []) {
        const fixed = applyEdits(fx.text, fix.edits);
        const after = analyze(fixed, fileName);
        assert.deepEqual(after.errors, [], `${fx.name}: fixed code parses\n${fixed}`);
        const remaining = after.findings.filter((f) => f.ruleId === ruleId);
        assert.equal(remaining.length, before.length - 1, `${fx.name}: "${fix.title}" removes the finding\n${fixed}`);
        applied++;
      }
    }
  }
  return applied;
}

function ruleDirs() {
  return fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory()).sort();
}

module.exports = { analyze, lineOf, expectations, fixtures, ruleFixtures, applyEdits, checkEveryFix, ruleDirs, FIXTURES };
