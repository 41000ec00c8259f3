// A same-file HTML escaper is a sanitiser when it does the job, whatever it is called: orbit-ls
// runs it on markup probes. Subtly wrong escapers stay flagged, with the characters they let through.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze } = require('./harness');

const app = (escaper, call = 'esc') => `const express = require('express');
const app = express();
${escaper}
app.get('/', (req, res) => res.send(\`<a title='\${${call}(req.query.q)}'>x</a>\`));
`;

const CORRECT = {
  'a chain of five replaces': `function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'); }`,
  'one class and a lookup table': `const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);`,
  'a module-level table': `const MAP = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };\nfunction esc(s) { const str = '' + s; return str.replace(/[&<>"']/g, (m) => MAP[m]); }`,
  'numeric entities': "const esc = (s) => `${s}`.replace(/[&<>\"']/g, (c) => '&#' + c.charCodeAt(0) + ';');",
  'replaceAll with strings': `function esc(s) { return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;'); }`,
  'split and join': `function esc(s) { return String(s).split('&').join('&amp;').split('<').join('&lt;').split('>').join('&gt;').split('"').join('&quot;').split("'").join('&#39;'); }`,
  // Escaping & last double-escapes the others' entities: ugly output, but nothing executes.
  '& escaped last': `function esc(s) { return String(s).replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/&/g, '&amp;'); }`,
};

const WRONG = {
  "forgets '": [`function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }`, ["'"]],
  'no g flag on < and >': [`function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</, '&lt;').replace(/>/, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'); }`, ['<', '>']],
  'forgets &': [`const esc = (s) => String(s).replace(/[<>"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);`, ['&']],
  'a table missing a quote': [`const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;' })[c] || c);`, ['"']],
  'only strips tags': [`function esc(s) { return String(s).replace(/<[^>]*>/g, ''); }`, ['>', '"', "'", '&']],
};

for (const [name, escaper] of Object.entries(CORRECT)) {
  test(`a local escaper (${name}) is a sanitiser: no xss finding`, () => {
    const r = analyze(app(escaper));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'xss').map((f) => f.message), []);
  });
}

for (const [name, [escaper, leaked]] of Object.entries(WRONG)) {
  test(`a faulty local escaper (${name}) stays an xss finding and says what it lets through`, () => {
    const xss = analyze(app(escaper)).findings.filter((f) => f.ruleId === 'xss');
    assert.equal(xss.length, 1);
    for (const ch of leaked) assert.ok(xss[0].message.includes(` ${ch}`), `${xss[0].message} names ${ch}`);
    assert.match(xss[0].message, /esc\(\) leaves .+ unescaped/);
    // The fix replaces the faulty call with escape-html rather than escaping twice.
    const fix = xss[0].fixes[0];
    assert.ok(fix.edits.some((e) => e.newText === 'escapeHtml(req.query.q)'), JSON.stringify(fix.edits));
  });
}

test('a function is judged by what it does, not by its name', () => {
  const identity = analyze(app('function escapeHtml(s) { return s; }', 'escapeHtml')).findings.filter((f) => f.ruleId === 'xss');
  assert.equal(identity.length, 1, 'an escapeHtml that returns its input is no sanitiser');
  const named = analyze(app(CORRECT['a chain of five replaces'].replace('function esc', 'function tidy'), 'tidy')).findings.filter((f) => f.ruleId === 'xss');
  assert.deepEqual(named, [], 'a correct escaper called tidy is one');
});

test('an escaper the interpreter cannot run is judged by its body as before', () => {
  // A loop is outside the interpreted subset; the taint passes through as for any local function.
  const loop = `function esc(s) { let out = ''; for (const c of String(s)) out += c === '<' ? '&lt;' : c; return out.replace(/x/g, 'x'); }`;
  const xss = analyze(app(loop)).findings.filter((f) => f.ruleId === 'xss');
  assert.equal(xss.length, 1);
  assert.match(xss[0].message, /without escaping/);
});
