// The text formatter on its own: colour only when asked (a terminal), and summaries a person reads.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatText } = require('../../../server/dist/cli/format/text.js');
const { cweTag } = require('../../../server/dist/cli/format/sarif.js');
const { exitCodeFor } = require('../../../server/dist/cli/report.js');

const at = (line, column) => ({ line, column });
const finding = (severity) => ({
  file: 'src/app.js',
  finding: { ruleId: 'sql-injection', cwe: ['CWE-89'], severity, message: 'User input reaches a SQL query (CWE-89)', span: { start: 0, end: 1 } },
  region: { start: at(3, 5), end: at(3, 20) },
  flow: [],
  fixes: [],
});
const report = (findings) => ({ filesChecked: 4, findings, notices: [], skipped: [], elapsedMs: 1234 });

test('colour codes appear on a terminal and never otherwise', () => {
  assert.match(formatText(report([finding('error')]), { color: true }), /\u001b\[31merror/);
  assert.doesNotMatch(formatText(report([finding('error')]), { color: false }), /\u001b/);
});

test('the summary counts findings by severity and files', () => {
  const text = formatText(report([finding('error'), finding('warning'), finding('warning')]), { color: false });
  assert.match(text, /3 findings \(1 error, 2 warnings\) in 1 file; 4 files checked in 1\.2 s\n$/);
  assert.equal(formatText(report([]), { color: false }), 'No findings. 4 files checked in 1.2 s\n');
});

test('exit codes follow --fail-on', () => {
  const warnings = report([finding('warning')]);
  assert.equal(exitCodeFor(warnings, 'error'), 0);
  assert.equal(exitCodeFor(warnings, 'warning'), 1);
  assert.equal(exitCodeFor(warnings, 'hint'), 1);
  assert.equal(exitCodeFor(warnings, 'never'), 0);
});

test('CWE tags in the external/cwe form are zero-padded to three digits', () => {
  assert.equal(cweTag('CWE-89'), 'external/cwe/cwe-089');
  assert.equal(cweTag('CWE-78'), 'external/cwe/cwe-078');
  assert.equal(cweTag('CWE-1321'), 'external/cwe/cwe-1321');
});
