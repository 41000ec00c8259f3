// Rule metadata without the analysis: the build's table (dist/rule-metadata.json) says exactly what
// the rules say, a table from other code is never used, and a `check` whose files all come from
// the findings cache loads neither the TypeScript compiler nor worker threads nor the language
// server, yet names every rule in SARIF as a fresh run does.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { allRules } = require('../../../server/dist/core/security/registry.js');
const { coreFingerprint, readRuleTable, ruleMetadata, RULE_TABLE_FILE } = require('../../../server/dist/engine/rule-metadata.js');

const MAIN = path.join(__dirname, '..', '..', '..', 'server', 'dist', 'cli', 'main.js');

test("the build's rule table is current and equals every rule's own metadata", () => {
  const table = readRuleTable(RULE_TABLE_FILE, coreFingerprint());
  assert.ok(table, `${RULE_TABLE_FILE} is missing or was written from other code; npm run build writes it`);
  assert.deepEqual(table, allRules());
  assert.deepEqual(ruleMetadata(), allRules());
});

test('a table written from other code, or not a table, is never used', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-rule-table-'));
  const file = path.join(dir, 'rule-metadata.json');
  fs.writeFileSync(file, JSON.stringify({ fingerprint: 'from another build', rules: [{ id: 'sql-injection', cwe: ['CWE-1'], defaultSeverity: 'hint' }] }));
  assert.equal(readRuleTable(file, coreFingerprint()), undefined);
  for (const text of ['', '{"fingerprint":', 'null', JSON.stringify({ fingerprint: coreFingerprint(), rules: [{ id: 1 }] })]) {
    fs.writeFileSync(file, text);
    assert.equal(readRuleTable(file, coreFingerprint()), undefined, text);
  }
  assert.equal(readRuleTable(path.join(dir, 'missing.json'), coreFingerprint()), undefined);
});

/** Runs check in a fresh process; returns its SARIF and which heavy modules it loaded. */
function checkProcess(tree, cache) {
  const script = `process.on('exit', () => {
  const loaded = Object.keys(require.cache);
  process.stderr.write('\\nLOADED=' + JSON.stringify(['typescript/', 'piscina/', 'vscode-languageserver/', 'openai/'].filter((m) => loaded.some((f) => f.includes('node_modules/' + m)))) + '\\n');
});
require(${JSON.stringify(MAIN)}).main(['check', '--format', 'sarif', '--fail-on', 'never', '--cache-dir', ${JSON.stringify(cache)}, '.']);`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: tree, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { sarif: JSON.parse(r.stdout), loaded: JSON.parse(/LOADED=(.*)/.exec(r.stderr)[1]) };
}

test('a re-run served from the findings cache loads no analysis, no threads and no server, and names the same rules', () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-rule-table-tree-'));
  fs.writeFileSync(path.join(tree, 'app.js'), `const express = require('express');
const app = express();
app.get('/run', (req, res) => {
  require('child_process').exec('ls ' + req.query.dir, (e, out) => res.send(out));
});
`);
  const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-rule-table-cache-')), 'findings');
  const cold = checkProcess(tree, cache);
  assert.deepEqual(cold.loaded, ['piscina/'], 'the cold run analysed the file in worker threads');
  const warm = checkProcess(tree, cache);
  assert.deepEqual(warm.loaded, []);
  assert.deepEqual(warm.sarif.runs[0].results, cold.sarif.runs[0].results);
  assert.deepEqual(warm.sarif.runs[0].tool.driver.rules, cold.sarif.runs[0].tool.driver.rules);
  const ids = warm.sarif.runs[0].tool.driver.rules.map((r) => r.id);
  for (const rule of allRules()) assert.ok(ids.includes(rule.id), rule.id);
});
