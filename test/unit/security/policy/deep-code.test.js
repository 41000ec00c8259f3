// Regression: the policy rules walked the AST recursively (a stack overflow on 10,000-deep code
// cost every policy finding of the file). Every rule must run on such code and the app's findings
// must survive; how long it takes is measured in `npm run bench` (deep-code section), not here,
// because a timed assertion fails on a busy machine.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze } = require('../harness');

const N = 10_000;

/** A small app with real problems: an open state-changing route and a command injection. */
const APP = `
const express = require('express');
const { exec } = require('child_process');
const app = express();
function requireAuth(req, res, next) {
  if (!req.session.user) return res.status(401).end();
  next();
}
app.get('/me', requireAuth, (req, res) => res.json(req.session.user));
app.post('/orders/:id/cancel', (req, res) => {
  db.run('UPDATE orders SET state = ? WHERE id = ?', ['cancelled', req.params.id]);
  res.end();
});
app.get('/ping', requireAuth, (req, res) => {
  exec('ping ' + req.query.host, () => res.end());
});
`;

const key = (f) => `${f.ruleId}@${f.span.start}`;

function check(name, deep, extra = []) {
  test(`${name}: every rule runs and the app's findings survive`, () => {
    const expected = analyze(APP).findings.map(key);
    assert.ok(expected.includes(`command-injection@${APP.indexOf("'ping ' +")}`), 'the taint finding');
    assert.ok(expected.some((k) => k.startsWith('broken-access-control@')), 'the policy finding');
    const r = analyze(`${APP}\n${deep}\n`);
    assert.ok(!r.errors.some((e) => /^Rule /.test(e.message)), `no rule was skipped: ${JSON.stringify(r.errors)}`);
    assert.deepEqual(r.findings.map((f) => f.ruleId + (f.span.start < APP.length ? `@${f.span.start}` : '')).sort(), [...expected, ...extra].sort());
  });
}

check('a 10,000-deep left-nested sum', `const total = a${' + a'.repeat(N)};`);
check('a 10,000-deep sum of request reads in a handler',
  `app.get('/sum', requireAuth, (req, res) => { res.json({ n: Number(req.query.n${' + req.query.n'.repeat(N)}) }); });`);
check('a 10,000-link member chain', `const leaf = a${'.b'.repeat(N)};`);
// One role decision on client data: the outermost read is the condition, the inner links are not.
check('a 10,000-link member chain of request data in a condition',
  `app.post('/promote', requireAuth, (req, res) => { if (req.body${'.role'.repeat(N)}) res.end(); });`, ['broken-access-control']);
check('a 10,000-link chain of quantities in a handler that stores them',
  `app.post('/buy', requireAuth, (req, res) => { const t = req.body${'.quantity'.repeat(N)} * 2; db.run(t); });`, ['unvalidated-numeric-input']);
