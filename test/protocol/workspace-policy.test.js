// The editor session reads the app as one program: an open router is checked with how app.js
// mounts it (from the workspace index), and a change to app.js re-checks the open routers below it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { startSession } = require('./lsp-harness');

const CASE = path.join(__dirname, '..', 'fixtures', 'cross-file-policy', 'vulnerable', 'admin-behind-authentication-only');

test('an admin router that app.js mounts behind authentication alone is reported, and no longer once app.js checks the role', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-policy-lsp-'));
  fs.cpSync(CASE, dir, { recursive: true });
  const admin = path.join(dir, 'routes', 'admin.js');
  const uri = pathToFileURL(admin).href;
  const text = fs.readFileSync(admin, 'utf8');
  const s = await startSession({ rootUri: pathToFileURL(dir).href });
  const latest = () => [...s.published].reverse().find((p) => p.uri === uri);
  const adminFindings = () => (latest()?.diagnostics ?? []).filter((d) => d.code === 'broken-access-control' && /administrator's route/.test(d.message));
  try {
    await s.open(uri, text);
    const found = await s.waitFor(() => (adminFindings().length === 2 ? adminFindings() : undefined), 'the two admin routes reported', 60_000);
    assert.match(found[0].message, /^GET \/admin\/users is an administrator's route, but only authentication guards it \(mounted in app\.js:10\)/);
    const app = path.join(dir, 'app.js');
    fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace("app.use('/admin', requireAuth, adminRouter)", "app.use('/admin', requireAuth, requireAdmin, adminRouter)"));
    await s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(app).href, type: 2 }] });
    await s.waitFor(() => (latest() && adminFindings().length === 0 ? true : undefined), 'the admin findings to go', 60_000);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
