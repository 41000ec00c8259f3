// Inline suppressions and the edit that inserts one.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze, applyEdits } = require('./harness');
const { suppressionEdit } = require('../../../server/dist/core/static-analysis.js');

const handler = (comment = '') => `const { exec } = require('child_process');
app.get('/ping', (req, res) => {
  ${comment}
  exec('ping ' + req.query.host, () => res.end());
});
`;

test('ignore-next-line by rule id, by CWE, and with no ids', () => {
  for (const c of [
    '// orbit-ignore-next-line command-injection -- host is checked by the proxy',
    '// orbit-ignore-next-line CWE-78',
    '// orbit-ignore-next-line sql-injection, command-injection',
    '// orbit-ignore-next-line',
  ]) {
    assert.deepEqual(analyze(handler(c)).findings, [], c);
  }
});

test('ignore-next-line for another rule or on another line does not suppress', () => {
  assert.equal(analyze(handler('// orbit-ignore-next-line sql-injection -- not this one')).findings.length, 1);
  const text = `// orbit-ignore-next-line\n\n${handler()}`;
  assert.equal(analyze(text).findings.length, 1);
});

test('a file-level ignore, with and without ids', () => {
  assert.deepEqual(analyze(`/* orbit-ignore-file */\n${handler()}`).findings, []);
  assert.deepEqual(analyze(`/* orbit-ignore-file CWE-78 -- a test fixture */\n${handler()}`).findings, []);
  assert.equal(analyze(`/* orbit-ignore-file xss */\n${handler()}`).findings.length, 1);
});

test('the suppression edit is indented like the finding and silences it', () => {
  const text = handler();
  const [finding] = analyze(text).findings;
  const edit = suppressionEdit(text, finding);
  assert.match(edit.newText, /^ {2}\/\/ orbit-ignore-next-line command-injection -- .+\n$/);
  assert.deepEqual(analyze(applyEdits(text, [edit])).findings, []);
});

test('rule levels from options: off silences, a level overrides severity', () => {
  assert.deepEqual(analyze(handler(), 'a.js', { rules: { 'command-injection': 'off' } }).findings, []);
  const [f] = analyze(handler(), 'a.js', { rules: { 'command-injection': 'warning' } }).findings;
  assert.equal(f.severity, 'warning');
});
