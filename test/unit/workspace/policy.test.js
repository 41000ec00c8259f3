// Cross-file policy: the csrf and broken-access-control rules read the app as one program through
// the workspace index's "mounted as" facts (test/fixtures/cross-file-policy/<kind>/<case>/, every
// file of a case analysed with its imports' summaries and what the index knows of it, `// expect:`
// markers in any file). Each vulnerable case is also analysed file by file, each file alone, as
// the policy rules read it before they crossed files, which must miss something.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createWorkspaceIndex } = require('../../../server/dist/engine/workspace-index.js');
const { moduleSummary } = require('../../../server/dist/workers/tasks/module-summary.js');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');
const { MOUNTED_AS } = require('../../../server/dist/core/workspace/types.js');
const { readImports } = require('../../../server/dist/workers/imports.js');
const { expectations, lineOf } = require('../security/harness');

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'cross-file-policy');
const POLICY = new Set(['csrf', 'broken-access-control']);

function filesOf(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name)) : /\.[jt]s$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

function indexFor() {
  const run = async (input) => moduleSummary(input);
  return createWorkspaceIndex({ summarise: run, summarisePolicy: run });
}

/**
 * One file as the server analyses it: its imports (with the index's summaries) and its mounted-as
 * facts; with `index` 'alone', the file without its imports; with no index, the imports' texts only.
 */
function analyse(file, index) {
  const text = fs.readFileSync(file, 'utf8');
  if (index === 'alone') return { text, result: analyzeDocument({ fileName: file, text }, DEFAULT_STATIC_OPTIONS) };
  const imports = readImports(file, text, DEFAULT_STATIC_OPTIONS.maxFileSize);
  if (index) {
    for (const m of Object.values(imports)) {
      const summary = index.summaryOf(m.fileName, m.text);
      if (summary) m.summary = summary;
    }
    const mountedAs = index.mountedAs(file);
    if (mountedAs) imports[MOUNTED_AS] = { fileName: file, text: '', mountedAs };
  }
  return { text, result: analyzeDocument({ fileName: file, text, imports }, DEFAULT_STATIC_OPTIONS) };
}

/** `file:line:rule` for the policy findings of every file of the case, and the markers' expectations. */
function run(dir, index) {
  const got = [];
  const want = [];
  const messages = [];
  for (const file of filesOf(dir)) {
    const rel = path.relative(dir, file);
    const { text, result } = analyse(file, index);
    for (const f of result.findings.filter((x) => POLICY.has(x.ruleId))) {
      got.push(`${rel}:${lineOf(text, f.span.start)}:${f.ruleId}`);
      messages.push(`${rel}: ${f.message}`);
    }
    for (const e of expectations(text)) want.push(`${rel}:${e.line}:${e.ruleId}`);
  }
  return { got: got.sort(), want: want.sort(), messages };
}

const cases = ['vulnerable', 'safe'].flatMap((kind) => fs.readdirSync(path.join(ROOT, kind)).sort().map((name) => ({ kind, name, dir: path.join(ROOT, kind, name) })));

for (const c of cases) {
  test(`${c.kind}/${c.name}: with the workspace index, finds what the markers expect, in every file`, async () => {
    const index = indexFor();
    await index.build([c.dir]);
    const { got, want, messages } = run(c.dir, index);
    assert.deepEqual(got, want, messages.join('\n'));
    if (c.kind === 'vulnerable') {
      const alone = run(c.dir, 'alone');
      assert.ok(want.some((w) => !alone.got.includes(w)), `each file alone, all of ${want.join(', ')} were already found`);
    }
  });
}

test('mounted-as facts name the mount, its prefix and middleware, the handlers and the app session', async () => {
  const dir = path.join(ROOT, 'vulnerable', 'admin-behind-authentication-only');
  const index = indexFor();
  await index.build([dir]);
  const m = index.mountedAs(path.join(dir, 'routes', 'admin.js'));
  assert.deepEqual(m.mounts.map((x) => ({ by: path.relative(dir, x.by), prefix: x.prefix, guards: x.guards })), [{ by: 'app.js', prefix: '/admin', guards: ['express.json()', 'requireAuth'] }]);
  const { text, result } = analyse(path.join(dir, 'routes', 'admin.js'), index);
  const f = result.findings.find((x) => x.ruleId === 'broken-access-control');
  assert.equal(f.message, "GET /admin/users is an administrator's route, but only authentication guards it (mounted in app.js:10): any signed-in user can call it; check the role too (CWE-284)");
  assert.equal(lineOf(text, f.span.start), 5);

  const ctl = path.join(ROOT, 'vulnerable', 'handler-in-controller');
  const index2 = indexFor();
  await index2.build([ctl]);
  const h = index2.mountedAs(path.join(ctl, 'controllers', 'notes.js'));
  assert.deepEqual(h.handlers.map((x) => [x.export, x.method, x.path, x.guards.join()]), [
    ['list', 'get', '/notes', 'express.json(),authenticateToken'],
    ['byUser', 'get', '/notes/user/:userid', 'express.json(),authenticateToken'],
  ]);
});

test('the CSRF finding at the session names the route in the other file, and its flow points there', async () => {
  const dir = path.join(ROOT, 'vulnerable', 'csrf-routes-two-mounts-down');
  const index = indexFor();
  await index.build([dir]);
  // The routes are two mounts down: the imported route table's text alone does not show them.
  assert.equal(analyse(path.join(dir, 'app.js'), undefined).result.findings.find((x) => x.ruleId === 'csrf'), undefined);
  const { result } = analyse(path.join(dir, 'app.js'), index);
  const f = result.findings.find((x) => x.ruleId === 'csrf');
  assert.match(f.message, /POST \/profile\/email \(routes\/profile\.js:5\) changes state/);
  const step = f.flow.find((s) => s.fileName);
  assert.equal(step.fileName, path.join(dir, 'routes', 'profile.js'));
  const profile = fs.readFileSync(step.fileName, 'utf8');
  assert.match(profile.slice(step.span.start, step.span.end), /^router\.post\('\/profile\/email'/);
});

test('a save that adds a role check at the mount in app.js clears the findings of the admin router it mounts', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'orbit-policy-'));
  const src = path.join(ROOT, 'vulnerable', 'admin-behind-authentication-only');
  fs.cpSync(src, dir, { recursive: true });
  const index = indexFor();
  await index.build([dir]);
  const admin = path.join(dir, 'routes', 'admin.js');
  assert.equal(analyse(admin, index).result.findings.filter((f) => f.ruleId === 'broken-access-control').length, 2);
  const app = path.join(dir, 'app.js');
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace("app.use('/admin', requireAuth, adminRouter)", "app.use('/admin', requireAuth, requireAdmin, adminRouter)"));
  await index.update(app);
  assert.ok(index.mountedDependents(app).includes(admin));
  assert.deepEqual(analyse(admin, index).result.findings.filter((f) => f.ruleId === 'broken-access-control'), []);
});

test('policy facts stay small on a file written to blow them up', () => {
  const { summariseModule } = require('../../../server/dist/core/workspace/summary.js');
  const lines = ["const express = require('express');", 'const app = express();'];
  for (let i = 0; i < 3000; i++) lines.push(`app.use(mw${i});`);
  for (let i = 0; i < 400; i++) lines.push(`app.use('/r${i}', require('./r${i}'));`);
  for (let i = 0; i < 400; i++) lines.push(`app.post('/p${i}', ${Array.from({ length: 50 }, (_, j) => `g${j}`).join(', ')}, require('./c${i}').h);`);
  const s = summariseModule({ fileName: '/w/app.js', text: lines.join('\n'), policyOnly: true });
  assert.ok(s.policy.mounts.length + s.policy.handlers.length <= 200);
  assert.ok(s.policy.mounts.every((m) => m.guards.length <= 32));
  assert.ok(s.policy.handlers.every((h) => h.guards.length <= 32 && !h.guards.some((g) => /require/.test(g))), 'the handler is never taken for a guard');
  assert.ok(s.policy.changing.length <= 8);
  assert.ok(JSON.stringify(s).length < 200_000);
});
