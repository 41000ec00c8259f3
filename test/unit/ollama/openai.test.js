// The OpenAI-compatible backend through the real `openai` client against a stand-in server that
// streams server-sent events: traces under response_format json_schema, the json_object fallback,
// fenced answers, streamed generation with abort, health, and regeneration end to end.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createOpenAiBackend } = require('../../../server/dist/external/llm/openai/backend.js');
const { ModelCallError } = require('../../../server/dist/external/llm/types.js');
const { regenerate } = require('../../../server/dist/engine/regenerate');
const { defaultSettings } = require('../../../server/dist/config/validate');
const { startFakeOpenAi } = require('../../support/fake-openai/server.js');
const code = require('../../support/fake-ollama/code-models.js');
const { VULNERABLE } = require('../../support/express-app');
const { request, groundTruth, never, closedPort, models } = require('./support.js');

const MODEL = 'Qwen/Qwen2.5-Coder-7B-Instruct';

async function withServer(serverOptions, body) {
  const server = await startFakeOpenAi(serverOptions);
  try {
    return await body(server, createOpenAiBackend({ baseUrl: server.baseUrl, model: MODEL, idleTimeoutMs: 5000, firstChunkTimeoutMs: 10000 }));
  } finally {
    await server.close();
  }
}

test('traces come streamed over SSE under response_format json_schema, with usage', async () => {
  await withServer({ models: { [MODEL]: models.honest(groundTruth) } }, async (server, backend) => {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'ok', outcome.detail);
    assert.equal(outcome.traces[1].effects[0].kind, 'network');
    const [sent] = server.completions();
    assert.equal(sent.body.stream, true);
    assert.equal(sent.body.response_format.type, 'json_schema');
    assert.equal(sent.body.response_format.json_schema.schema.properties.traces.minItems, 2);
    assert.equal(sent.body.seed, 42);
    assert.ok(sent.chunks > 10, 'the answer arrived in many events');
    assert.equal(outcome.usage.outputTokens, sent.chunks);
    assert.ok(outcome.usage.promptTokens > 0);
    assert.equal(backend.structuredOutput(), 'json_schema');
    assert.equal((await backend.predictTrace(request(), {}, never())).cached, true);
  });
});

test('a server without json_schema output gets json_object, once refused, then directly', async () => {
  await withServer({ jsonSchema: false, models: { [MODEL]: models.honest(groundTruth) } }, async (server, backend) => {
    const first = await backend.predictTrace(request(), {}, never());
    assert.equal(first.kind, 'ok', first.detail);
    assert.deepEqual(server.completions().map((r) => [r.status, r.body.response_format.type]), [[400, 'json_schema'], [200, 'json_object']]);
    await backend.predictTrace(request({ inputs: [['x', 'y']] }), {}, never());
    assert.equal(server.completions()[2].body.response_format.type, 'json_object');
    assert.equal(backend.structuredOutput(), 'json_object');
  });
});

test('a fenced JSON answer with prose from a server that ignores the schema is read at once', async () => {
  await withServer({ models: { [MODEL]: models.reshaped(models.honest(groundTruth), models.jsonShapes.fencedAfterThinking) } }, async (server, backend) => {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'ok', outcome.detail);
    assert.equal(server.completions().length, 1);
  });
});

test('generation streams chat deltas; aborting stops the server', async () => {
  const text = 'const a = 1;\n'.repeat(40);
  await withServer({ models: { [MODEL]: models.slow(models.scripted(text), { delayMs: 3 }) } }, async (server, backend) => {
    const ac = new AbortController();
    let got = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of backend.generateStream({ prompt: 'function f() {', raw: true }, ac.signal)) {
          got += chunk;
          if (got.length > 30) ac.abort();
        }
      })(),
      (error) => error instanceof ModelCallError && error.failure.kind === 'cancelled',
    );
    await server.waitFor(() => server.completions()[0]?.aborted);
    assert.equal(server.completions()[0].body.messages[0].role, 'system');
    assert.equal(server.completions()[0].body.messages[1].content, 'function f() {');
  });
});

test('health names a missing model and an unreachable server', async () => {
  await withServer({ models: { other: models.scripted('x') } }, async (_server, backend) => {
    const report = await backend.health(never());
    assert.equal(report.kind, 'model-missing');
    assert.match(report.message, /not served by the OpenAI-compatible server at http:\/\/127\.0\.0\.1:\d+\/v1 \(served: other\)/);
  });
  const down = createOpenAiBackend({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, model: MODEL });
  const report = await down.health(never());
  assert.equal(report.kind, 'unavailable');
  assert.match(report.message, /not reachable.*orbit\.openai\.baseUrl/);
  const outcome = await down.predictTrace(request(), {}, never());
  assert.equal(outcome.kind, 'unavailable');
});

test('an API key, when given, is sent as a bearer token; a wrong one is a clear error', async () => {
  const server = await startFakeOpenAi({ apiKey: 'sk-test', models: { [MODEL]: models.honest(groundTruth) } });
  try {
    const good = createOpenAiBackend({ baseUrl: server.baseUrl, model: MODEL, apiKey: 'sk-test' });
    assert.equal((await good.predictTrace(request(), {}, never())).kind, 'ok');
    const bad = createOpenAiBackend({ baseUrl: server.baseUrl, model: MODEL });
    const outcome = await bad.predictTrace(request({ inputs: [['q', 'r']] }), {}, never());
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.fix, /OPENAI_API_KEY/);
  } finally {
    await server.close();
  }
});

test('Regenerate securely works on the OpenAI-compatible backend with an instruct model that restates the function', async () => {
  const plan = {
    safe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'],
    unsafe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = " + id, (err, rows) => res.json(rows));'],
  };
  // The stand-in model reads the completion prompt from the user message.
  const fromChat = (model) => (req, ctx) => model({ ...req, prompt: req.messages.find((m) => m.role === 'user')?.content }, ctx);
  await withServer({ models: { [MODEL]: fromChat(code.shaped(code.injectsThenComplies(plan), 'thinking')) } }, async (server, backend) => {
    const at = VULNERABLE.indexOf('"SELECT');
    /** @type {import('../../../server/dist/engine/regenerate/index').RegenerateRequest} */
    const req = { uri: 'file:///app.js', version: 1, fileName: 'app.js', text: VULNERABLE, language: 'js', span: { start: at, end: at + 7 }, finding: { ruleId: 'sql-injection', message: 'x' } };
    // The sandbox comparison of the new body is tested with the Ollama backend; here it would only
    // add a time-limited run that a busy machine can cut short.
    const base = defaultSettings();
    const settings = { ...base, regenerate: { ...base.regenerate, sandbox: false } };
    const r = /** @type {import('../../../server/dist/engine/regenerate/index').RegenerateResult & { message?: string }} */ (await regenerate(req, { settings, generator: backend }, never()));
    assert.equal(r.kind, 'edit', r.message);
    assert.match(r.edit.newText, /WHERE id = \?", \[id\]/);
    assert.equal(r.cuts.length, 1);
    assert.equal(server.completions().length, 2);
  });
});

test('a server that stops sending events mid-answer times out with a message, and the request is closed', async () => {
  const server = await startFakeOpenAi({ models: { [MODEL]: models.stalled({ afterChunks: 2 }) } });
  try {
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: MODEL, idleTimeoutMs: 300, firstChunkTimeoutMs: 2000 });
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'timeout');
    assert.match(outcome.detail, /stalled: nothing for 300 ms/);
    await server.waitFor(() => server.completions()[0]?.aborted);
  } finally {
    await server.close();
  }
});
