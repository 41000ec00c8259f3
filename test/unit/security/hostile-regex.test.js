// Regexes from the analysed file never run on Node's backtracking engine: a pattern built to
// backtrack for minutes in a guard or a sanitiser must not hide the file's other findings. Run
// through `orbit-ls check`, whose per-file time limit would otherwise drop the whole file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCheck } = require('../../../server/dist/cli/check.js');
const { linearRegex } = require('../../../server/dist/core/security/linear-regex.js');

const HOSTILE = `const { exec } = require('child_process');

function checkName(name) {
  if (!/^(?:a?){12000}b$/.test(name)) return false;
  return true;
}

function clean(s) {
  return s.replace(/(?:a?){12000}(?:b|;)/g, '');
}

app.get('/ping', (req, res) => {
  exec('ping ' + req.query.host, () => res.end());
});
`;

async function check(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-regex-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'orbit.json'), JSON.stringify({ pool: { size: 1 } }));
  const previous = process.cwd();
  process.chdir(dir);
  let out = '';
  try {
    await runCheck(['--config', 'orbit.json', '--format', 'json', '--fail-on', 'never', '.'], { out: (t) => (out += t), err: () => undefined, color: false, progress: false }, new AbortController().signal);
  } finally {
    process.chdir(previous);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return JSON.parse(out);
}

test('/^(?:a?){12000}b$/ in a guard does not hide a command injection elsewhere in the file', async () => {
  const doc = await check({ 'app.js': HOSTILE });
  assert.deepEqual(doc.findings.filter((f) => f.ruleId === 'command-injection').map((f) => f.start.line), [13]);
  assert.deepEqual(doc.notices, [], 'the file was analysed to the end');
});

test('user patterns compile with RE2; what RE2 cannot express gives no regex at all', () => {
  assert.equal(linearRegex('^[\\w-]+$').test('a-b'), true);
  assert.equal(linearRegex('^[\\w-]+$').test('a;b'), false);
  assert.equal(linearRegex('^\\u0041$', 'i').test('a'), true);
  assert.equal(linearRegex('^(?:a?){12000}b$'), undefined, 'too large a repetition');
  assert.equal(linearRegex('^(?=a)a$'), undefined, 'look-ahead');
  assert.equal(linearRegex('^(a)\\1$'), undefined, 'back reference');
  assert.equal(linearRegex('^\\w+$', 'm'), undefined, 'm makes ^ and $ match at \\r in JavaScript');
  // Large but valid: still answers (RE2 matches in time linear in the input).
  assert.equal(linearRegex('^(?:a?){1000}b$').test(`${'a'.repeat(40)}c`), false);
});
