// "Regenerate securely" over real JSON-RPC: the resolve path (the list returns at once, the model
// runs in codeAction/resolve) and the command path (orbit.regenerate, then workspace/applyEdit),
// with the test Ollama's simulated code models behind the real backend.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { CancellationTokenSource } = require('vscode-jsonrpc/node');
const { startSession, applyEdits, editsFor, VULNERABLE, CLIENT_CAPABILITIES } = require('./lsp-harness.js');
const { startFakeOllama, models } = require('../support/fake-ollama');
const code = require('../support/fake-ollama/code-models.js');

const URI = 'file:///work/app.js';
const PLAN = {
  safe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'],
  unsafe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = " + id, (err, rows) => res.json(rows));'],
};
const RESOLVE_CAPABILITIES = {
  ...CLIENT_CAPABILITIES,
  textDocument: {
    ...CLIENT_CAPABILITIES.textDocument,
    codeAction: { ...CLIENT_CAPABILITIES.textDocument.codeAction, dataSupport: true, resolveSupport: { properties: ['edit'] } },
  },
};

async function setUp(model, capabilities, host) {
  const fake = await startFakeOllama({ models: { 'coder:test': model } });
  const session = await startSession({
    capabilities,
    initializationOptions: { ollama: { host: host ?? fake.host, model: 'coder:test' }, verify: { trigger: 'manual' } },
  });
  const applied = [];
  session.client.onRequest('workspace/applyEdit', (p) => {
    applied.push(p);
    return { applied: true };
  });
  await session.open(URI, VULNERABLE);
  const diagnostics = await session.diagnostics(URI, 1);
  const finding = diagnostics.find((d) => d.code === 'sql-injection');
  assert.ok(finding, 'the SQL injection is reported');
  const actions = await session.client.sendRequest('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: finding.range,
    context: { diagnostics: [finding] },
  });
  return {
    fake, session, applied, actions, finding,
    async tearDown() {
      await session.stop();
      await fake.close();
    },
  };
}

const isRegenerate = (a) => /^Regenerate securely \(orbit-ls\)/.test(a.title);

test('resolve path: listed at once without calling the model, generated in resolve, safe and minimal', async () => {
  const t = await setUp(code.injectsThenComplies(PLAN), RESOLVE_CAPABILITIES);
  try {
    const caps = t.session.initializeResult.capabilities;
    assert.equal(caps.codeActionProvider.resolveProvider, true);
    const index = t.actions.findIndex(isRegenerate);
    assert.ok(index > 0, 'the deterministic fix comes first');
    assert.equal(t.actions[0].isPreferred, true);
    const action = t.actions[index];
    assert.equal(action.title, 'Regenerate securely (orbit-ls): rewrite the body of app.get /users to remove sql-injection');
    assert.equal(action.edit, undefined);
    assert.equal(t.fake.generations().length, 0, 'listing does not wait on the model');
    const resolved = await t.session.client.sendRequest('codeAction/resolve', action);
    const edits = editsFor(resolved.edit, URI);
    assert.equal(edits.length, 1);
    assert.equal(resolved.edit.documentChanges[0].textDocument.version, 1);
    const after = applyEdits(VULNERABLE, edits);
    assert.match(after, /\n {2}db\.all\("SELECT \* FROM users WHERE id = \?", \[id\]/);
    assert.doesNotMatch(after, /" \+ (id|req)/);
    // Only the body changed: everything outside the braces is as it was.
    assert.equal(after.slice(0, after.indexOf('=> {')), VULNERABLE.slice(0, VULNERABLE.indexOf('=> {')));
    assert.equal(t.fake.generations().length, 2, 'one cut, one resume');
    assert.ok(t.session.logs.some((l) => /resolved; 2 call\(s\), \d+ tokens; cut "db\.all/.test(l.message)), 'the cut is logged');
  } finally {
    await t.tearDown();
  }
});

test('resolve path: $/cancelRequest stops the model and returns no edit', async () => {
  const t = await setUp(models.slow(code.secureCoder({ ...PLAN, propensity: 0 }), { delayMs: 50 }), RESOLVE_CAPABILITIES);
  try {
    const source = new CancellationTokenSource();
    const pending = t.session.client.sendRequest('codeAction/resolve', t.actions.find(isRegenerate), source.token).then((r) => r, (e) => ({ error: e }));
    await t.fake.waitFor((rs) => rs.some((r) => r.chunks > 1), 5000);
    source.cancel();
    const result = await pending;
    assert.ok(result.error || !result.edit, 'no edit after cancelling');
    await t.fake.waitFor((rs) => rs.some((r) => r.aborted), 5000);
  } finally {
    await t.tearDown();
  }
});

test('command path: orbit.regenerate generates and applies through workspace/applyEdit', async () => {
  const t = await setUp(code.injectsThenComplies(PLAN), CLIENT_CAPABILITIES);
  try {
    assert.ok(t.session.initializeResult.capabilities.executeCommandProvider.commands.includes('orbit.regenerate'));
    const action = t.actions.find(isRegenerate);
    assert.equal(action.command.command, 'orbit.regenerate');
    const result = await t.session.client.sendRequest('workspace/executeCommand', action.command);
    assert.deepEqual(result, { applied: true });
    assert.equal(t.applied.length, 1);
    assert.match(t.applied[0].label, /Regenerate securely/);
    const after = applyEdits(VULNERABLE, editsFor(t.applied[0].edit, URI));
    assert.match(after, /WHERE id = \?", \[id\]/);
    assert.ok(t.session.logs.some((l) => /cut "db\.all\("SELECT \* FROM users WHERE id = " \+ id/.test(l.message)), 'the cut is logged');
  } finally {
    await t.tearDown();
  }
});

test('command path: an edit made while the model writes means nothing is applied', async () => {
  const t = await setUp(models.slow(code.secureCoder({ ...PLAN, propensity: 0 }), { delayMs: 15 }), CLIENT_CAPABILITIES);
  try {
    const pending = t.session.client.sendRequest('workspace/executeCommand', t.actions.find(isRegenerate).command);
    await t.fake.waitFor((rs) => rs.some((r) => r.chunks > 1), 5000);
    await t.session.replace(URI, 2, VULNERABLE, `${VULNERABLE}// edited\n`);
    const result = await pending;
    assert.equal(result.applied, false);
    assert.match(result.message, /file changed/);
    assert.equal(t.applied.length, 0);
  } finally {
    await t.tearDown();
  }
});

test('command path: a model that never complies, and a missing Ollama, each give a clear message and no edit', async () => {
  const t = await setUp(code.neverComplies(PLAN), CLIENT_CAPABILITIES);
  try {
    const result = await t.session.client.sendRequest('workspace/executeCommand', t.actions.find(isRegenerate).command);
    assert.equal(result.applied, false);
    assert.ok(t.session.messages.some((m) => /No secure version was found/.test(m.message)));
    assert.equal(t.applied.length, 0);
  } finally {
    await t.tearDown();
  }
  const down = await setUp(models.garbage(), CLIENT_CAPABILITIES, 'http://127.0.0.1:9');
  try {
    const result = await down.session.client.sendRequest('workspace/executeCommand', down.actions.find(isRegenerate).command);
    assert.equal(result.applied, false);
    assert.match(result.message, /needs the model.*ollama serve|needs the model.*127\.0\.0\.1:9/s);
  } finally {
    await down.tearDown();
  }
});

test('on a selection without a finding the action rewrites the function under every rule', async () => {
  const t = await setUp(code.injectsThenComplies(PLAN), RESOLVE_CAPABILITIES);
  try {
    const actions = await t.session.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 6, character: 2 }, end: { line: 6, character: 8 } },
      context: { diagnostics: [] },
    });
    const action = actions.find(isRegenerate);
    assert.equal(action.title, 'Regenerate securely (orbit-ls): rewrite the body of app.get /users under the security rules');
    const outside = await t.session.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      context: { diagnostics: [] },
    });
    assert.equal(outside.filter(isRegenerate).length, 0, 'nothing to regenerate outside a function');
  } finally {
    await t.tearDown();
  }
});

test('command path: cancelling the work-done progress stops the model and applies nothing', async () => {
  const t = await setUp(models.slow(code.secureCoder({ ...PLAN, propensity: 0 }), { delayMs: 50 }), CLIENT_CAPABILITIES);
  try {
    const tokens = [];
    t.session.client.onRequest('window/workDoneProgress/create', (p) => {
      tokens.push(p.token);
      return null;
    });
    const begun = [];
    t.session.client.onNotification('$/progress', (p) => { begun.push(p); });
    const pending = t.session.client.sendRequest('workspace/executeCommand', t.actions.find(isRegenerate).command);
    await t.fake.waitFor((rs) => rs.some((r) => r.chunks > 1), 5000);
    assert.equal(tokens.length, 1);
    const begin = begun.find((p) => p.value.kind === 'begin');
    assert.equal(begin.value.cancellable, true);
    await t.session.client.sendNotification('window/workDoneProgress/cancel', { token: tokens[0] });
    const result = await pending;
    assert.deepEqual(result, { applied: false, message: 'Regenerate securely was cancelled; nothing was changed.' });
    assert.equal(t.applied.length, 0);
    await t.fake.waitFor((rs) => rs.some((r) => r.aborted), 5000);
  } finally {
    await t.tearDown();
  }
});
