// Parameters of exported functions that reach a command, code or a query are reported at the level
// orbit.rules["caller-controlled"] sets (information by default), from the module's own summary.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze, lineOf } = require('./harness');

const LIB = [
  "const { execSync } = require('child_process');",
  'exports.checkout = (branch) => execSync(\'git checkout \' + branch);',
  "exports.status = () => execSync('git status');",
].join('\n');

function levels(text, rules, fileName = 'git.js') {
  return analyze(text, fileName, { rules }).findings.filter((f) => f.ruleId === 'caller-controlled').map((f) => `${lineOf(text, f.span.start)}:${f.severity}:${f.cwe[0]}`);
}

test('a parameter mixed into a shell command is reported as information, with the sink\'s CWE', () => {
  assert.deepEqual(levels(LIB, {}), ['2:information:CWE-20']);
  const [f] = analyze(LIB, 'git.js').findings.filter((x) => x.ruleId === 'caller-controlled');
  assert.deepEqual(f.cwe, ['CWE-20', 'CWE-78']);
  assert.match(f.message, /Parameter branch of the exported checkout\(\) reaches a shell command \(CWE-78\)/);
});

test('a plugin or app factory\'s own parameter is the application, not data', () => {
  const plugin = "const { execSync } = require('child_process');\nmodule.exports = async function (fastify, opts) { execSync('migrate ' + opts.dir); };";
  assert.deepEqual(levels(plugin, {}, 'migrations.js'), []);
});

test('orbit.rules raises it to a warning or turns it off', () => {
  assert.deepEqual(levels(LIB, { 'caller-controlled': 'warning' }), ['2:warning:CWE-20']);
  assert.deepEqual(levels(LIB, { 'caller-controlled': 'off' }), []);
});

test('a build tool configuration is not a library', () => {
  const grunt = "const { execSync } = require('child_process');\nmodule.exports = function (target) { execSync('deploy ' + target); };";
  assert.deepEqual(levels(grunt, {}, 'Gruntfile.js'), []);
  assert.deepEqual(levels(grunt, {}, 'deploy.js'), ['2:information:CWE-20']);
});

test('a sink the request already reaches is the injection rule\'s finding only', () => {
  const text = [
    "const { exec } = require('child_process');",
    'exports.handler = (req) => exec(\'ping \' + req.query.host);',
  ].join('\n');
  const found = analyze(text, 'handler.js').findings.map((f) => f.ruleId);
  assert.ok(found.includes('command-injection'), found.join(' '));
  assert.ok(!found.includes('caller-controlled'), found.join(' '));
});
