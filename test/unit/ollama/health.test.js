// Health checks with the messages a user reads, and waiting for Ollama to come back.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { checkOllamaHealth, reconnectWithBackoff, backoffDelay } = require('../../../server/dist/external/llm/ollama/index.js');
const { startFakeOllama } = require('../../support/fake-ollama');
const { MODEL, closedPort, never, models, groundTruth } = require('./support.js');

test('a running server with the model pulled is healthy', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  try {
    const report = await checkOllamaHealth(fake.host, MODEL, never());
    assert.equal(report.ok, true);
    assert.equal(report.kind, 'ok');
    assert.match(report.detail, /qwen2\.5-coder:7b \(7\.6B, Q4_K_M\) is ready/);
    assert.deepEqual(report.models, [MODEL]);
    assert.deepEqual(fake.requests.map((r) => r.path), ['/api/tags', '/api/show']);
  } finally {
    await fake.close();
  }
});

test('a model name without a tag means :latest', async () => {
  const fake = await startFakeOllama({ models: { 'llama3.2:latest': models.honest(groundTruth) } });
  try {
    assert.equal((await checkOllamaHealth(fake.host, 'llama3.2', never())).ok, true);
  } finally {
    await fake.close();
  }
});

test('a server that is down says how to start it', async () => {
  const host = `http://127.0.0.1:${await closedPort()}`;
  const report = await checkOllamaHealth(host, MODEL, never());
  assert.equal(report.ok, false);
  assert.equal(report.kind, 'unavailable');
  assert.equal(report.message, `Ollama is not reachable at ${host} (connection refused) — start it with \`ollama serve\`, or set orbit.ollama.host.`);
});

test('a model that is not pulled says how to pull it', async () => {
  const fake = await startFakeOllama({ models: { 'llama3.2:latest': models.honest(groundTruth) } });
  try {
    const report = await checkOllamaHealth(fake.host, MODEL, never());
    assert.equal(report.kind, 'model-missing');
    assert.equal(
      report.message,
      'Model qwen2.5-coder:7b is not pulled (pulled here: llama3.2:latest) — run `ollama pull qwen2.5-coder:7b`, or set orbit.ollama.model to a pulled model.',
    );
  } finally {
    await fake.close();
  }
});

test('something that accepts connections but never answers times out', async (t) => {
  const sockets = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', () => resolve(undefined)));
  t.after(() => (sockets.forEach((s) => s.destroy()), silent.close()));
  const host = `http://127.0.0.1:${(/** @type {import('node:net').AddressInfo} */ (silent.address())).port}`;
  const report = await checkOllamaHealth(host, MODEL, never(), { timeoutMs: 150 });
  assert.equal(report.kind, 'timeout');
  assert.match(report.message, /did not answer within 150 ms/);
});

test('a non-Ollama server on the port is an error, not a crash', async () => {
  const fake = await startFakeOllama();
  try {
    // The test Ollama answers unknown paths as gin does; point the check at a sub-path.
    const report = await checkOllamaHealth(`${fake.host}/nothing-here`, MODEL, never());
    assert.equal(report.kind, 'error');
    assert.match(report.detail, /404/);
  } finally {
    await fake.close();
  }
});

test('backoff grows by the factor up to the cap', () => {
  const opts = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts)), [100, 200, 400, 800, 1000, 1000]);
});

test('reconnection retries with backoff until Ollama is back, then reports healthy', async () => {
  const port = await closedPort();
  const host = `http://127.0.0.1:${port}`;
  const retries = [];
  /** @type {Awaited<ReturnType<typeof startFakeOllama>> | undefined} */
  let fake;
  const waiting = reconnectWithBackoff(
    (signal) => checkOllamaHealth(host, MODEL, signal),
    {
      initialDelayMs: 20,
      maxDelayMs: 40,
      factor: 2,
      onRetry: async (report, attempt, delay) => {
        retries.push([report.kind, delay]);
        if (attempt === 2) fake = await startFakeOllama({ port, models: { [MODEL]: models.honest(groundTruth) } });
      },
    },
    never(),
  );
  try {
    const report = await waiting;
    assert.equal(report.ok, true);
    // Starting the server may take longer than the last wait on a loaded machine: more retries are fine.
    assert.deepEqual(retries.slice(0, 3), [['unavailable', 20], ['unavailable', 40], ['unavailable', 40]]);
    assert.ok(retries.every(([kind]) => kind === 'unavailable'));
  } finally {
    await fake?.close();
  }
});

test('reconnection stops when its signal aborts', async () => {
  const host = `http://127.0.0.1:${await closedPort()}`;
  const ac = new AbortController();
  const waiting = reconnectWithBackoff((signal) => checkOllamaHealth(host, MODEL, signal), { initialDelayMs: 10_000, maxDelayMs: 10_000, factor: 2 }, ac.signal);
  setTimeout(() => ac.abort(new Error('shutdown')), 30);
  await assert.rejects(waiting, /shutdown/);
});
