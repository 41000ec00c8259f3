// `orbit-ls check` on small fixture directories: text, JSON and SARIF output, exit codes, and
// which files are walked (.gitignore, node_modules, binary files).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn } = require('../../support/run-check');

const FIXTURES = path.join(__dirname, 'fixtures');

/** A scratch copy of the fixtures plus what cannot be committed: node_modules, ignored and binary files. */
function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-'));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  const vulnerable = fs.readFileSync(path.join(FIXTURES, 'app', 'tools.js'), 'utf8');
  fs.mkdirSync(path.join(dir, 'app', 'node_modules', 'dep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'app', 'node_modules', 'dep', 'index.js'), vulnerable);
  fs.mkdirSync(path.join(dir, 'app', 'generated'));
  fs.writeFileSync(path.join(dir, 'app', 'generated', 'bundle.js'), vulnerable);
  fs.writeFileSync(path.join(dir, 'app', '.gitignore'), 'generated/\n');
  fs.writeFileSync(path.join(dir, 'app', 'blob.js'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  return dir;
}

/**
 * Settings that keep only the two rules these fixtures are about, so the expectations below do
 * not change each time a rule is added to the registry.
 */
function onlyRules(levels) {
  const { allRules } = require('../../../server/dist/core/security/registry.js');
  const rules = Object.fromEntries(allRules().map((r) => [r.id, 'off']));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-config-')), 'orbit.json');
  fs.writeFileSync(file, JSON.stringify({ rules: { ...rules, 'sql-injection': 'error', 'command-injection': 'error', ...levels } }));
  return file;
}
const TWO_RULES = onlyRules({});

/** Runs check in-process inside `cwd`, capturing stdout and stderr; only the two rules unless --config is given. */
function check(cwd, args) {
  return checkIn(cwd, args.includes('--config') ? args : ['--config', TWO_RULES, ...args]);
}

const dir = workspace();

test('text output groups findings by file with line:column, severity, CWE and rule id; exit 1', async () => {
  const { code, out } = await check(dir, ['app']);
  assert.equal(code, 1);
  assert.match(out, /^app\/routes\/users\.ts\n {2}8:\d+ +error +.*\(CWE-89\) +sql-injection\n/m);
  assert.match(out, /^app\/tools\.js\n {2}6:\d+ +error +.*\(CWE-78\) +command-injection\n/m);
  assert.match(out, /fix: Use a parameterised query/);
  assert.match(out, /2 findings \(2 errors\) in 2 files; 2 files checked in/);
  assert.doesNotMatch(out, /\u001b\[/, 'no colour when not on a terminal');
});

test('node_modules, .gitignore\'d and binary files are not reported', async () => {
  const { out } = await check(dir, ['--format', 'json', '.']);
  const files = JSON.parse(out).findings.map((f) => f.file);
  assert.ok(!files.some((f) => f.includes('node_modules') || f.includes('generated')), files.join(', '));
  assert.deepEqual(JSON.parse(out).skipped, [{ file: 'app/blob.js', reason: 'binary file' }]);
});

test('JSON output: findings with 1-based positions, CWE, flow and fixes', async () => {
  const { code, out } = await check(dir, ['--format', 'json', 'app']);
  assert.equal(code, 1);
  const doc = JSON.parse(out);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.summary.findings, 2);
  assert.deepEqual(doc.summary.bySeverity, { error: 2, warning: 0, information: 0, hint: 0 });
  const sql = doc.findings.find((f) => f.ruleId === 'sql-injection');
  assert.equal(sql.file, 'app/routes/users.ts');
  assert.deepEqual(sql.cwe, ['CWE-89']);
  assert.equal(sql.start.line, 8);
  assert.ok(sql.flow.length >= 2);
  assert.ok(sql.fixes[0].edits.length >= 1);
});

test('SARIF 2.1.0: one rule entry per registered rule with both CWE tag forms, results with codeFlows', async () => {
  const { out } = await check(dir, ['--format', 'sarif', 'app']);
  const log = JSON.parse(out);
  assert.equal(log.version, '2.1.0');
  const { rules } = log.runs[0].tool.driver;
  const { allRules } = require('../../../server/dist/core/security/registry.js');
  assert.deepEqual(rules.map((r) => r.id).sort(), allRules().map((r) => r.id).sort());
  const sqlRule = rules.find((r) => r.id === 'sql-injection');
  assert.ok(sqlRule.properties.tags.includes('CWE-89'));
  assert.ok(sqlRule.properties.tags.includes('external/cwe/cwe-089'));
  assert.ok(rules.find((r) => r.id === 'command-injection').properties.tags.includes('external/cwe/cwe-078'));
  const result = log.runs[0].results.find((r) => r.ruleId === 'sql-injection');
  assert.equal(result.level, 'error');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'app/routes/users.ts');
  assert.equal(result.locations[0].physicalLocation.region.startLine, 8);
  assert.ok(result.codeFlows[0].threadFlows[0].locations.length >= 2);
  assert.equal(rules[result.ruleIndex].id, 'sql-injection');
});

test('--fail-on decides the exit code; a clean directory exits 0', async () => {
  assert.equal((await check(dir, ['--fail-on', 'never', 'app'])).code, 0);
  assert.equal((await check(dir, ['--fail-on', 'warning', 'app'])).code, 1);
  const clean = await check(dir, ['clean']);
  assert.equal(clean.code, 0);
  assert.match(clean.out, /No findings\. 1 file checked/);
});

test('rule levels from --config apply: a rule turned off is not reported, a lowered one passes --fail-on error', async () => {
  const config = onlyRules({ 'command-injection': 'off', 'sql-injection': 'warning' });
  const { code, out } = await check(dir, ['--config', config, '--format', 'json', 'app']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out).findings.map((f) => [f.ruleId, f.severity]), [['sql-injection', 'warning']]);
});

test('usage errors are thrown for main to turn into exit code 2', async () => {
  await assert.rejects(check(dir, ['--format', 'xml']), /unknown --format "xml"; use one of text, json, sarif/);
  await assert.rejects(check(dir, ['--fail-on', 'sometimes']), /unknown --fail-on/);
  await assert.rejects(check(dir, ['no-such-dir']), /no such file or directory: no-such-dir/);
});

test('checking a folder of a repository honours the .gitignore files above it, up to the repository root', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-repo-'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.writeFileSync(path.join(repo, '.gitignore'), 'server/dist/\n');
  fs.mkdirSync(path.join(repo, 'server', 'dist'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'server', 'src'), { recursive: true });
  const vulnerable = fs.readFileSync(path.join(FIXTURES, 'app', 'tools.js'), 'utf8');
  fs.writeFileSync(path.join(repo, 'server', 'dist', 'tools.js'), vulnerable);
  fs.writeFileSync(path.join(repo, 'server', 'src', 'tools.js'), vulnerable);
  const { out } = await check(repo, ['--format', 'json', 'server']);
  assert.deepEqual(JSON.parse(out).findings.map((f) => f.file), ['server/src/tools.js']);
});

test('check warns on stderr about every check its configuration turns off or down, naming the file', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-config-')), 'orbit.json');
  fs.writeFileSync(file, JSON.stringify({ rules: { 'sql-injection': 'off', 'command-injection': 'warning' }, sandbox: { enabled: false } }));
  const { code, err: stderr } = await check(workspace(), ['--config', file, '--fail-on', 'never']);
  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`warning: a check is turned off or down: orbit\\.rules\\["sql-injection"\\] is "off" \\(set in ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`));
  assert.match(stderr, /orbit\.rules\["command-injection"\] is "warning" .*below its default severity "error"/);
  assert.match(stderr, /orbit\.sandbox\.enabled is false/);
});

test('check names the --config file of a check turned off also when the file holds { "orbit": { … } }', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-config-')), 'orbit.json');
  fs.writeFileSync(file, JSON.stringify({ orbit: { rules: { 'sql-injection': 'off' } } }));
  const { code, err: stderr } = await check(workspace(), ['--config', file, '--fail-on', 'never']);
  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`orbit\\.rules\\["sql-injection"\\] is "off" \\(set in ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`));
});
