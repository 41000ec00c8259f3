// The static pass survives any input: broken syntax, huge and binary files, absurd nesting.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze } = require('./harness');
const { allRules } = require('../../../server/dist/core/static-analysis.js');

const TAINT_RULES = new Set(['sql-injection', 'nosql-injection', 'command-injection', 'code-injection', 'path-traversal', 'xss', 'log-injection', 'open-redirect', 'ssrf', 'prototype-pollution', 'regex-injection']);

const VULNERABLE_HANDLER = `
const { exec } = require('child_process');
app.get('/ping', (req, res) => {
  exec('ping ' + req.query.host, () => res.end());
});
`;

test('syntax errors are reported and the code that parses is still analysed', () => {
  const text = `${VULNERABLE_HANDLER}\nfunction broken( {\n  return ;;; )\n`;
  const r = analyze(text);
  assert.ok(r.errors.some((e) => e.kind === 'syntax' && e.span), 'a syntax error with a span');
  assert.equal(r.findings.filter((f) => f.ruleId === 'command-injection').length, 1);
});

test('a file that is nothing but garbage gives syntax errors, not a throw', () => {
  const r = analyze('}{)(][ =>=> ` ${ /* " \'', 'x.tsx');
  assert.ok(r.errors.length > 0);
  assert.deepEqual(r.findings, []);
});

test('a 5 MB file over the size limit is skipped with a limit error', () => {
  const text = 'const a = 1;\n'.repeat(400_000);
  const r = analyze(text, 'big.js', { maxFileSize: 2_000_000 });
  assert.deepEqual(r.findings, []);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].kind, 'limit');
  assert.match(r.errors[0].message, /maxFileSize/);
});

test('a 5 MB file within the limit is analysed', () => {
  const line = 'const a = [1, 2, 3].map((x) => x * 2);\n';
  const text = VULNERABLE_HANDLER + line.repeat(Math.ceil(5_000_000 / line.length));
  // Only the taint rules: this checks the front end and the engine, not every rule's speed.
  const rules = Object.fromEntries(allRules().filter((m) => !TAINT_RULES.has(m.id)).map((m) => [m.id, 'off']));
  const r = analyze(text, 'big.js', { maxFileSize: 10_000_000, rules });
  assert.equal(r.findings.length, 1);
});

test('binary content is reported as unsupported', () => {
  const r = analyze('\u0000\u0001PNG\u0000 exec(req.query.x)', 'image.js');
  assert.deepEqual(r.findings, []);
  assert.equal(r.errors[0].kind, 'unsupported');
});

test('an unknown extension is reported as unsupported', () => {
  const r = analyze(VULNERABLE_HANDLER, 'notes.py');
  assert.deepEqual(r.findings, []);
  assert.equal(r.errors[0].kind, 'unsupported');
});

for (const [name, text] of [
  ['parenthesised sums', 'const x = ' + 'a+('.repeat(10_000) + 'a' + ')'.repeat(10_000) + ';'],
  ['nested arrays', 'const x = ' + '['.repeat(10_000) + ']'.repeat(10_000) + ';'],
  ['nested calls', 'f(' .repeat(10_000) + ')'.repeat(10_000) + ';'],
  ['a left-deep sum', 'const x = a' + '+a'.repeat(10_000) + ';'],
  ['a long member chain', 'const x = a' + '.b'.repeat(10_000) + ';'],
  ['nested arrow functions', 'const f = ' + '() => '.repeat(10_000) + '1;'],
  ['nested if statements', 'if (a) '.repeat(10_000) + ';'],
]) {
  test(`10,000-deep ${name} degrade to a limit error without overflowing`, () => {
    const r = analyze(`${VULNERABLE_HANDLER}\n${text}\n`);
    assert.ok(r.errors.every((e) => e.kind === 'limit' || e.kind === 'syntax'), JSON.stringify(r.errors));
    assert.ok(r.errors.every((e) => e.kind !== 'internal'));
  });
}

test('deep nesting elsewhere does not hide findings in the rest of the file', () => {
  const deep = 'const x = ' + '['.repeat(10_000) + ']'.repeat(10_000) + ';';
  const r = analyze(`${VULNERABLE_HANDLER}\n${deep}\n`);
  assert.ok(r.errors.some((e) => e.kind === 'limit'));
  assert.equal(r.findings.length, 1);
});

test('a function that hands itself on as a callback is analysed, not reported as nested too deeply', () => {
  // A reconnect loop as real servers write it: connect() registers connect for 'disconnected'.
  const text = `const mongoose = require('mongoose');
function connect() {
  mongoose.connection.on('error', console.log).on('disconnected', connect).once('open', listen);
  return mongoose.connect(process.env.MONGODB_URL);
}
function listen() {}
connect();
${VULNERABLE_HANDLER}`;
  const r = analyze(text);
  assert.deepEqual(r.errors, []);
  assert.equal(r.findings.filter((f) => f.ruleId === 'command-injection').length, 1);
});

test('every language kind parses with its own grammar', () => {
  assert.deepEqual(analyze('const a = <div>{x}</div>;', 'a.jsx').errors, []);
  assert.deepEqual(analyze('const a: number = <number>b;', 'a.ts').errors, []);
  assert.deepEqual(analyze('const a = <T,>(x: T) => <div>{x}</div>;', 'a.tsx').errors, []);
  assert.ok(analyze('const a = <div>x</div>;', 'a.ts').errors.some((e) => e.kind === 'syntax'), 'no JSX in .ts');
});
