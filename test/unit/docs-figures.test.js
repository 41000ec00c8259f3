// Figures in the docs come from the scripts that measure them: each generated section must be
// exactly what its script renders from the last saved run (test/eval/results/*.json), and the
// saved rule figures must be what the rules give today (so a change that moves them fails here
// until `node test/eval/rules.js --write-docs` is run again).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const rules = require('../eval/rules');
const peer = require('../eval/peer-docs');

test('docs/rules.md shows the rule table of the last saved run', () => {
  const saved = JSON.parse(fs.readFileSync(rules.RESULTS, 'utf8'));
  const text = fs.readFileSync(rules.DOC, 'utf8');
  const a = text.indexOf(rules.START);
  const b = text.indexOf(rules.END);
  assert.ok(a >= 0 && b > a, 'docs/rules.md has the rules-table markers');
  assert.equal(text.slice(a + rules.START.length, b).trim(), rules.docsTable(saved, saved.date).trim());
});

test('the saved rule figures are the ones the rules give on the fixtures today', () => {
  const saved = JSON.parse(fs.readFileSync(rules.RESULTS, 'utf8'));
  const now = rules.savedFigures(rules.evaluate(), saved.date);
  assert.deepEqual(now, saved, 'run `node test/eval/rules.js --write-docs` after changing rules or fixtures');
});

test('the ESLint comparison in docs/rules.md and docs/benchmarks.md is the last saved run, and only claims shared classes', () => {
  const saved = JSON.parse(fs.readFileSync(peer.RESULTS, 'utf8'));
  for (const { file, text, next } of peer.rendered(saved)) assert.equal(text, next, `${file} matches test/eval/results/eslint-peer.json`);
  // Classes the peer has no rule for are never scored as its misses.
  const shared = Object.keys(saved.perCwe);
  assert.ok(shared.length >= 5, shared.join(' '));
  for (const cwe of shared) assert.ok(saved.perCwe[cwe].orbit.tp + saved.perCwe[cwe].orbit.fn > 0, `${cwe} has labels in the shared part`);
  assert.ok(!shared.includes('CWE-352'), 'CSRF: the peer only checks method-override ordering');
  assert.ok(Object.keys(saved.onlyOrbit).some((c) => c.startsWith('CWE-89')), 'SQL injection is listed as orbit-ls only');
});

test('no doc claims orbit-ls is ahead on every shared CWE while any shared recall ties', () => {
  const saved = JSON.parse(fs.readFileSync(peer.RESULTS, 'utf8'));
  const tie = Object.values(saved.perCwe).some(({ orbit, eslint }) => orbit.recall === eslint.recall);
  for (const doc of ['docs/rules.md', 'docs/benchmarks.md', 'README.md']) {
    const text = fs.readFileSync(require('node:path').join(__dirname, '..', '..', doc), 'utf8');
    if (tie) assert.doesNotMatch(text, /ahead on (precision and recall for )?every shared/i, doc);
  }
});

test('the verification, adversarial, backdoor and regeneration figures in the docs are the last saved runs', () => {
  const figures = require('../eval/figures');
  const scripts = { verification: '../eval/verification', adversarial: '../eval/adversarial', backdoors: '../eval/backdoors', regeneration: '../eval/regeneration' };
  for (const [name, file] of Object.entries(scripts)) {
    const script = require(file);
    const saved = JSON.parse(fs.readFileSync(script.RESULTS, 'utf8'));
    const sections = figures.sections(name);
    assert.ok(sections.length > 0, `a docs section for ${name}`);
    for (const s of sections) assert.equal(s.current, script.rendered(saved).trim(), `${s.file}: run \`node test/eval/${name}.js --write-docs\``);
  }
});

test('the backdoor figure counts a hit only inside the function that holds the backdoor', () => {
  const saved = JSON.parse(fs.readFileSync(require('../eval/backdoors').RESULTS, 'utf8'));
  const text = require('../eval/backdoors').rendered(saved);
  assert.match(text, /caught on the right function/);
  for (const s of Object.values(saved.sets)) assert.ok(s.caught <= s.backdoored && s.backdoored > 0);
});
