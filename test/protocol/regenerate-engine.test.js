// "Regenerate securely" through the engine's own rules, over real JSON-RPC: the thread that
// answers the editor never parses while a regeneration runs (every parse, rule check and sandbox
// run is a pool task); verification and regeneration share one model service, so
// orbit.ollama.concurrency bounds both together at the test Ollama; regeneration is a command of
// the registry under its orbit-ls. id and its old orbit. alias; and a client that can resolve a
// command gets codeAction/resolve answered while the model is still writing.
'use strict';

// Counts parses on this (the server's main) thread: every `typescript` the server loads here is
// seen through a proxy that counts createSourceFile. Worker threads load their own, uncounted.
/** @type {any} Node's module loader, whose internal _load is wrapped here */
const Module = require('node:module');
let mainThreadParses = 0;
const originalLoad = Module._load;
let counted;
Module._load = function load(request, ...rest) {
  const loaded = originalLoad.call(this, request, ...rest);
  if (request !== 'typescript') return loaded;
  counted ??= new Proxy(loaded, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'createSourceFile' || typeof value !== 'function') return value;
      return function createSourceFile(...args) {
        mainThreadParses++;
        return value.apply(this, args);
      };
    },
  });
  return counted;
};

const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, applyEdits, editsFor, VULNERABLE, CLIENT_CAPABILITIES } = require('./lsp-harness.js');
const { startFakeOllama, models } = require('../support/fake-ollama');
const code = require('../support/fake-ollama/code-models.js');

const URI = 'file:///work/app.js';
const PLAN = {
  safe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'],
  unsafe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = " + id, (err, rows) => res.json(rows));'],
};
// Where the sandbox comparison is not what a test is about, it is off: a busy machine can cut one
// of its time-limited runs short (the parse test keeps it on, since it parses too).
const NO_SANDBOX = { regenerate: { sandbox: false } };
const isRegenerate = (a) => /^Regenerate securely \(orbit-ls\)/.test(a.title);

async function setUp(model, { capabilities = CLIENT_CAPABILITIES, settings = {} } = {}) {
  const fake = await startFakeOllama({ models: { 'coder:test': model } });
  const session = await startSession({
    capabilities,
    initializationOptions: { ollama: { host: fake.host, model: 'coder:test', concurrency: 1 }, verify: { trigger: 'manual' }, ...settings },
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
  const actions = await session.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: finding.range, context: { diagnostics: [finding] } });
  return {
    fake, session, applied, actions,
    async tearDown() {
      await session.stop();
      await fake.close();
    },
  };
}

test('the counter sees a parse on this thread (so a zero below means none happened)', () => {
  const { findTarget } = require('../../server/dist/core/constraints/index.js');
  const before = mainThreadParses;
  assert.ok(findTarget('a.js', 'function f() { return 1; }', { start: 15, end: 16 }, 'js'));
  assert.ok(mainThreadParses > before);
});

test('a regeneration, cut and resumed, never parses on the main thread', async () => {
  const t = await setUp(code.injectsThenComplies(PLAN));
  try {
    const before = mainThreadParses;
    const result = await t.session.client.sendRequest('workspace/executeCommand', t.actions.find(isRegenerate).command);
    assert.deepEqual(result, { applied: true });
    assert.equal(t.fake.generations().length, 2, 'one cut, one resume: the statement checks ran');
    assert.match(applyEdits(VULNERABLE, editsFor(t.applied[0].edit, URI)), /WHERE id = \?", \[id\]/);
    assert.equal(mainThreadParses - before, 0, 'no parse on the thread that answers the editor');
  } finally {
    await t.tearDown();
  }
});

test('with orbit.ollama.concurrency 1, a verification and a regeneration never have two requests at the test Ollama', async () => {
  // Trace requests (they carry a JSON schema) answer slowly with text that is no trace; code
  // requests get the secure coder. Regeneration starts while a trace answer is streaming.
  const coder = code.secureCoder({ ...PLAN, propensity: 0 });
  const traces = models.slow(models.garbage('not a trace '.repeat(20)), { delayMs: 40 });
  const t = await setUp((request, ctx) => (request.format ? traces(request, ctx) : coder(request, ctx)), { settings: NO_SANDBOX });
  try {
    const verifying = t.session.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.verifyDocument', arguments: [URI] });
    await t.fake.waitFor((rs) => rs.some((r) => r.body?.format && r.chunks > 0), 60_000);
    const regenerating = t.session.client.sendRequest('workspace/executeCommand', t.actions.find(isRegenerate).command);
    const [verified, regenerated] = await Promise.all([verifying, regenerating]);
    assert.equal(verified.uri, URI);
    assert.deepEqual(regenerated, { applied: true });
    const gens = t.fake.generations();
    assert.ok(gens.some((r) => r.body?.format) && gens.some((r) => !r.body?.format), 'both asked the model');
    assert.equal(t.fake.maxConcurrent, 1, 'one request in flight at a time, over both');
  } finally {
    await t.tearDown();
  }
});

test('regeneration is a registry command: orbit-ls.regenerate and the old orbit.regenerate both run it', async () => {
  const t = await setUp(code.injectsThenComplies(PLAN), { settings: NO_SANDBOX });
  try {
    const commands = t.session.initializeResult.capabilities.executeCommandProvider.commands;
    for (const id of ['orbit-ls.regenerate', 'orbit.regenerate', 'orbit-ls.verifyDocument', 'orbit.verifyDocument', 'orbit-ls.verifyFunction', 'orbit.verifyFunction']) {
      assert.ok(commands.includes(id), id);
    }
    const args = t.actions.find(isRegenerate).command.arguments;
    assert.deepEqual(await t.session.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.regenerate', arguments: args }), { applied: true });
    // The document is still at version 1 (the test client records the edit without applying it).
    assert.deepEqual(await t.session.client.sendRequest('workspace/executeCommand', { command: 'orbit.regenerate', arguments: args }), { applied: true });
    assert.equal(t.applied.length, 2);
    for (const id of ['orbit-ls.verifyDocument', 'orbit.verifyDocument']) {
      const summary = await t.session.client.sendRequest('workspace/executeCommand', { command: id, arguments: [URI] });
      assert.equal(summary.uri, URI, id);
    }
  } finally {
    await t.tearDown();
  }
});

test('a client that resolves `command` gets codeAction/resolve answered while the model is still writing', async () => {
  const capabilities = {
    ...CLIENT_CAPABILITIES,
    textDocument: { ...CLIENT_CAPABILITIES.textDocument, codeAction: { ...CLIENT_CAPABILITIES.textDocument.codeAction, dataSupport: true, resolveSupport: { properties: ['edit', 'command'] } } },
  };
  const t = await setUp(models.slow(code.secureCoder({ ...PLAN, propensity: 0 }), { delayMs: 50 }), { capabilities, settings: NO_SANDBOX });
  try {
    const action = t.actions.find(isRegenerate);
    assert.equal(action.edit, undefined);
    // One regeneration of this function is already streaming.
    const running = t.session.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.regenerate', arguments: [action.data] });
    await t.fake.waitFor((rs) => rs.some((r) => r.chunks > 1), 10_000);
    const resolved = await t.session.client.sendRequest('codeAction/resolve', action);
    assert.ok(t.fake.generations().some((r) => !r.completed && !r.aborted), 'the model was still writing when resolve answered');
    assert.equal(resolved.edit, undefined);
    assert.equal(resolved.command.command, 'orbit-ls.regenerate');
    assert.equal(t.fake.generations().length, 1, 'resolve itself asked the model nothing');
    assert.deepEqual(await running, { applied: true });
    // The resolved command does the work: progress, then the edit through workspace/applyEdit.
    assert.deepEqual(await t.session.client.sendRequest('workspace/executeCommand', resolved.command), { applied: true });
    assert.match(applyEdits(VULNERABLE, editsFor(t.applied[1].edit, URI)), /WHERE id = \?", \[id\]/);
  } finally {
    await t.tearDown();
  }
});
