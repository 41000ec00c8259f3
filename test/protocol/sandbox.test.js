// The sandbox pass through the real server over JSON-RPC framing: on save a backdoored handler gets
// a hidden-trigger diagnostic beside its static ones, a benign look-alike gets none, an edit drops
// the saved version's result, and orbit.sandbox.enabled false turns the pass off. No model needed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startSession, positionOf } = require('./lsp-harness');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'backdoors');
const SANDBOX_RULES = ['hidden-trigger', 'magic-auth-bypass', 'concealed-effect', 'unexpected-effect'];

/** A route with a command injection, so every document also has a static finding. */
const ARCHIVE = `
import { exec } from 'child_process';
export function archive(req: Request, res: Response) {
  exec('tar czf /tmp/out.tgz ' + req.query.dir);
  res.send('ok');
}
`;
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name), 'utf8') + ARCHIVE;
const BACKDOORED = fixture('backdoored/magic-user-exfil.ts');
const BENIGN = fixture('benign/login-bcrypt.ts');

const uri = (name) => `file:///work/app/${name}.ts`;
const DISABLED = uri('disabled');
const isSandbox = (d) => SANDBOX_RULES.includes(d.code);

/** One server for every test: small pool, and the sandbox turned off for one document only. */
let s;
test.before(async () => {
  s = await startSession({
    // No model answers at this host, so orbit.verifyDocument below runs the sandbox pass only.
    initializationOptions: { pool: { size: 1 }, ollama: { host: 'http://127.0.0.1:9' } },
    configuration: (item) => (item.scopeUri === DISABLED ? { sandbox: { enabled: false } } : null),
  });
});
test.after(() => s.stop());

const save = (u) => s.client.sendNotification('textDocument/didSave', { textDocument: { uri: u } });
/** The log line the server writes when a sandbox pass of `u` at `version` is done. */
const passLogged = (u, version) =>
  s.waitFor(() => (s.logs.some((l) => l.message.includes(`sandbox pass of ${u} (version ${version})`)) ? true : undefined), `the sandbox pass of ${u} v${version}`, 20_000);
const lastPublished = (u) => s.publishedFor(u).at(-1);

test('on save a backdoored handler gets a hidden-trigger diagnostic (CWE-506) beside its static ones', async () => {
  const u = uri('login');
  await s.open(u, BACKDOORED, { languageId: 'typescript' });
  const first = await s.diagnostics(u, 1, 20_000);
  assert.ok(first.some((d) => d.code === 'command-injection'), 'static findings come on open');
  assert.ok(!first.some(isSandbox), 'the sandbox pass waits for a save');
  await save(u);
  const merged = await s.waitFor(() => {
    const last = lastPublished(u);
    return last && last.diagnostics.some(isSandbox) ? last : undefined;
  }, 'sandbox diagnostics after didSave', 20_000);
  assert.equal(merged.version, 1);
  const trigger = merged.diagnostics.find((d) => d.code === 'hidden-trigger');
  assert.ok(trigger, JSON.stringify(merged.diagnostics));
  assert.equal(trigger.source, 'orbit-ls');
  assert.equal(trigger.severity, 1);
  assert.match(trigger.message, /environment secrets .* to https:\/\/telemetry-cdn\.io\/v1\/collect only when username === "svc_maint".*\(CWE-506\)$/);
  assert.match(trigger.codeDescription.href, /^file:\/\/.*\/docs\/rules\.md#hidden-trigger$/);
  assert.equal(trigger.range.start.line, positionOf(BACKDOORED, "await fetch('https://telemetry-cdn.io").line);
  assert.ok(merged.diagnostics.some((d) => d.code === 'command-injection'), 'static findings stay');
});

test('a poisoned function does not hide a backdoor; a runaway one gets a sandbox-incomplete diagnostic', async () => {
  const u = uri('hostile');
  const text = `export function poison() {
  (Object.prototype as any).toJSON = function () { for (;;) {} };
  return { a: 1 };
}
export function spin(x: string) {
  for (;;) { x = String(x).split('').reverse().join(''); }
}
${BACKDOORED}`;
  await s.open(u, text, { languageId: 'typescript' });
  await s.diagnostics(u, 1, 20_000);
  await save(u);
  await passLogged(u, 1);
  const last = lastPublished(u);
  assert.ok(last.diagnostics.some((d) => d.code === 'hidden-trigger'), JSON.stringify(last.diagnostics));
  const incomplete = last.diagnostics.filter((d) => d.code === 'sandbox-incomplete');
  assert.equal(incomplete.length, 1, JSON.stringify(incomplete));
  assert.equal(incomplete[0].severity, 3, 'information');
  assert.equal(incomplete[0].range.start.line, positionOf(text, 'export function spin').line);
  assert.match(incomplete[0].message, /spin ran into the sandbox's time limit/);
});

test('a benign look-alike gets no sandbox diagnostics', async () => {
  const u = uri('login-bcrypt');
  await s.open(u, BENIGN, { languageId: 'typescript' });
  await s.diagnostics(u, 1, 20_000);
  await save(u);
  await passLogged(u, 1);
  const last = lastPublished(u);
  assert.ok(last.diagnostics.some((d) => d.code === 'command-injection'));
  assert.deepEqual(last.diagnostics.filter(isSandbox), []);
});

test('an edit after save drops the saved version\'s sandbox result; the next save brings it back', async () => {
  const u = uri('edited');
  await s.open(u, BACKDOORED, { languageId: 'typescript' });
  await s.diagnostics(u, 1, 20_000);
  await save(u);
  await s.waitFor(() => (lastPublished(u).diagnostics.some(isSandbox) ? true : undefined), 'sandbox diagnostics for v1', 20_000);
  const edited = `// reviewed\n${BACKDOORED}`;
  await s.replace(u, 2, BACKDOORED, edited);
  const second = await s.diagnostics(u, 2, 20_000);
  assert.ok(second.some((d) => d.code === 'command-injection'));
  assert.deepEqual(second.filter(isSandbox), [], 'lines have moved: version 1\'s result must not be shown for version 2');
  // A save followed at once by an edit: that run is stale and never published.
  await save(u);
  await s.replace(u, 3, edited, `${edited}\n`);
  await s.diagnostics(u, 3, 20_000);
  await save(u);
  await passLogged(u, 3);
  const last = lastPublished(u);
  assert.equal(last.version, 3);
  const trigger = last.diagnostics.find((d) => d.code === 'hidden-trigger');
  assert.equal(trigger.range.start.line, positionOf(edited, "await fetch('https://telemetry-cdn.io").line);
  assert.ok(!s.publishedFor(u).some((p) => p.version === 2 && p.diagnostics.some(isSandbox)), 'nothing from the sandbox for version 2');
});

test('orbit.sandbox.enabled false: no sandbox pass and no sandbox diagnostics on save', async () => {
  await s.open(DISABLED, BACKDOORED, { languageId: 'typescript' });
  await s.diagnostics(DISABLED, 1, 20_000);
  await save(DISABLED);
  // orbit.verifyDocument runs the sandbox pass too, and says why it did not.
  const result = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit.verifyDocument', arguments: [DISABLED] });
  assert.deepEqual(result.sandbox, { skipped: 'orbit.sandbox.enabled is false' });
  assert.ok(!s.logs.some((l) => l.message.includes(`sandbox pass of ${DISABLED}`)));
  assert.ok(!s.publishedFor(DISABLED).some((p) => p.diagnostics.some(isSandbox)));
});
