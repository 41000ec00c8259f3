// `orbit-ls check` reads the app as one program too: the folders checked are indexed first, so a
// router's findings depend on how app.js mounts it, and the findings cache is keyed by those facts:
// a change to app.js alone re-analyses the routers it mounts, never serving their old findings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn } = require('../../support/run-check');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'cross-file-policy');

function copy(kind, name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-policy-'));
  fs.cpSync(path.join(FIXTURES, kind, name), dir, { recursive: true });
  return dir;
}

function policyFindings(out) {
  return JSON.parse(out).findings.filter((f) => f.ruleId === 'csrf' || f.ruleId === 'broken-access-control').map((f) => `${f.file}:${f.start.line}:${f.ruleId}`).sort();
}

test('check finds a controller export used as an authenticated route that loads any user\'s notes', async () => {
  const dir = copy('vulnerable', 'handler-in-controller');
  const r = await checkIn(dir, ['.', '--format', 'json', '--no-cache', '--fail-on', 'never']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(policyFindings(r.out), ['controllers/notes.js:9:broken-access-control']);
});

test('check finds the admin router mounted behind authentication alone, and the CSRF of a session in server.js over the routes of the module it hands the app to', async () => {
  const admin = copy('vulnerable', 'admin-behind-authentication-only');
  const a = await checkIn(admin, ['.', '--format', 'json', '--no-cache', '--fail-on', 'never']);
  assert.deepEqual(policyFindings(a.out), ['routes/admin.js:5:broken-access-control', 'routes/admin.js:6:broken-access-control']);
  const handed = copy('vulnerable', 'csrf-app-handed-to-routes');
  const h = await checkIn(handed, ['.', '--format', 'json', '--no-cache', '--fail-on', 'never']);
  assert.deepEqual(policyFindings(h.out), ['server.js:7:csrf']);
});

test('a cached router report is not used once app.js mounts the router differently', async () => {
  const dir = copy('vulnerable', 'admin-behind-authentication-only');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-policy-cache-'));
  const args = ['.', '--format', 'json', '--cache-dir', cacheDir, '--fail-on', 'never'];
  const first = await checkIn(dir, args);
  assert.deepEqual(policyFindings(first.out), ['routes/admin.js:5:broken-access-control', 'routes/admin.js:6:broken-access-control']);
  const again = await checkIn(dir, args);
  assert.equal(JSON.parse(again.out).summary.fromCache, JSON.parse(again.out).summary.filesChecked, 'an unchanged tree is served from the cache');
  assert.deepEqual(policyFindings(again.out), policyFindings(first.out));
  // Only app.js changes: the admin router's own text and imports are the same, its mount is not.
  const app = path.join(dir, 'app.js');
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace("app.use('/admin', requireAuth, adminRouter)", "app.use('/admin', requireAuth, requireAdmin, adminRouter)"));
  const after = await checkIn(dir, args);
  assert.deepEqual(policyFindings(after.out), []);
  assert.ok(JSON.parse(after.out).summary.fromCache < JSON.parse(after.out).summary.filesChecked);
  // And back: the entry written under the first mount is found again for it.
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('requireAuth, requireAdmin, adminRouter', 'requireAuth, adminRouter'));
  assert.deepEqual(policyFindings((await checkIn(dir, args)).out), policyFindings(first.out));
});
