// Trace prediction through the real ollama client against the test Ollama: every outcome the
// engine must handle, from a good answer to a stalled stream.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { createOllamaBackend } = require('../../../server/dist/external/llm/ollama/index.js');
const { STALL_TIMEOUTS, MODEL, groundTruth, request, setup, closedPort, never, models } = require('./support.js');

test('an honest model gives one validated trace per input, with tokens and durations', async () => {
  const { fake, backend, close } = await setup(models.honest(groundTruth));
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'ok');
    assert.equal(outcome.traces.length, 2);
    assert.deepEqual(outcome.traces[1], groundTruth('', ['svc_maint', 'x']));
    assert.equal(outcome.cached, false);
    assert.equal(outcome.usage.requests, 1);
    assert.ok(outcome.usage.outputTokens > 10);
    assert.ok(outcome.usage.promptTokens > 10);

    const [sent] = fake.generations();
    assert.equal(sent.path, '/api/chat');
    assert.equal(sent.body.stream, true, 'always streams, so it can be aborted');
    assert.equal(sent.body.options.temperature, 0);
    assert.equal(typeof sent.body.options.seed, 'number');
    assert.deepEqual(sent.body.format.required, ['traces']);
    assert.equal(sent.body.format.properties.traces.minItems, 2);
    assert.match(sent.body.messages[1].content, /function login/);
  } finally {
    await close();
  }
});

test('a second identical prediction is served from the cache without a request', async () => {
  const { fake, backend, close } = await setup(models.honest(groundTruth));
  try {
    await backend.predictTrace(request(), {}, never());
    const again = await backend.predictTrace(request(), {}, never());
    assert.equal(again.kind, 'ok');
    assert.equal(again.cached, true);
    assert.equal(again.usage.requests, 0);
    assert.equal(fake.generations().length, 1);
    await backend.predictTrace(request({ inputs: [['bob', 'pw']] }), {}, never());
    assert.equal(fake.generations().length, 2, 'other inputs are another prompt');
  } finally {
    await close();
  }
});

test('invalid JSON is retried once with the problem stated, then reported as unparseable', async () => {
  const { fake, backend, close } = await setup(models.garbage());
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'unparseable');
    assert.match(outcome.detail, /not JSON/);
    assert.equal(outcome.usage.requests, 2);
    const [, retry] = fake.generations();
    const last = retry.body.messages.at(-1);
    assert.equal(last.role, 'user');
    assert.match(last.content, /not valid: the answer is not JSON/);
    assert.equal(retry.body.messages.at(-2).role, 'assistant');
  } finally {
    await close();
  }
});

test('a malformed first answer followed by a good one is ok after the retry', async () => {
  const { backend, close } = await setup(models.sequence(models.schemaViolating(), models.honest(groundTruth)));
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'ok');
    assert.equal(outcome.usage.requests, 2);
  } finally {
    await close();
  }
});

test('JSON outside the schema is unparseable and says where', async () => {
  const { backend, close } = await setup(models.schemaViolating());
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'unparseable');
    assert.match(outcome.detail, /traces\[0\]\.steps: expected array/);
  } finally {
    await close();
  }
});

test('an answer cut off at the token limit is unparseable', async () => {
  const { fake, backend, close } = await setup(models.honest(groundTruth));
  try {
    const outcome = await backend.predictTrace(request(), { maxTokens: 5 }, never());
    assert.equal(outcome.kind, 'unparseable');
    assert.match(outcome.detail, /cut off/);
    assert.equal(fake.generations()[0].doneReason, 'length');
  } finally {
    await close();
  }
});

test('a model that is not pulled is model-missing with the pull command', async () => {
  const { backend, close } = await setup(models.honest(groundTruth), { backend: { model: 'llama3.2' } });
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'model-missing');
    assert.equal(outcome.model, 'llama3.2');
    assert.match(outcome.fix, /`ollama pull llama3.2`/);
  } finally {
    await close();
  }
});

test('a busy server (503) is busy, a server error (500) is error', async () => {
  const busy = await setup(models.busy());
  const failing = await setup(models.failing());
  try {
    const a = await busy.backend.predictTrace(request(), {}, never());
    assert.equal(a.kind, 'busy');
    assert.match(a.detail, /maximum pending requests exceeded/);
    const b = await failing.backend.predictTrace(request(), {}, never());
    assert.equal(b.kind, 'error');
    assert.equal(b.status, 500);
    assert.match(b.detail, /llama runner process has terminated/);
  } finally {
    await busy.close();
    await failing.close();
  }
});

test('the server queue limit answers 503 to the request beyond it', async () => {
  const { backend, close } = await setup(models.stalled(), { fake: { maxQueue: 1 }, backend: { concurrency: 2, ...STALL_TIMEOUTS } });
  try {
    const first = backend.predictTrace(request(), {}, never());
    const second = await backend.predictTrace(request({ inputs: [['x', 'y']] }), {}, never());
    assert.equal(second.kind, 'busy');
    assert.equal((await first).kind, 'timeout');
  } finally {
    await close();
  }
});

test('an error inside the stream is error with the server message', async () => {
  const { backend, close } = await setup(models.failsMidStream({ message: 'CUDA error: out of memory' }));
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.detail, /CUDA error: out of memory/);
  } finally {
    await close();
  }
});

test('a connection dropped mid-answer is error, not a hang', async () => {
  const { backend, close } = await setup(models.crashing());
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'error');
  } finally {
    await close();
  }
});

test('a server that is down is unavailable with the fix', async () => {
  const port = await closedPort();
  const backend = createOllamaBackend({ host: `http://127.0.0.1:${port}`, model: MODEL });
  const outcome = await backend.predictTrace(request(), {}, never());
  assert.equal(outcome.kind, 'unavailable');
  assert.equal(outcome.detail, `Ollama is not reachable at http://127.0.0.1:${port} (connection refused).`);
  assert.match(outcome.fix, /`ollama serve`.*orbit\.ollama\.host/);
});

test('a stream that stalls after one chunk times out and the request is closed', async () => {
  const { fake, backend, close } = await setup(models.stalled({ afterChunks: 1 }), { backend: STALL_TIMEOUTS });
  try {
    const started = Date.now();
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'timeout');
    assert.match(outcome.detail, /stalled: nothing for 300 ms/);
    // fetch's own body time-out is 300 s: ending within a minute is the watchdog, even on a busy machine.
    assert.ok(Date.now() - started < 60_000, 'ends long before fetch would give up');
    await fake.waitFor((rs) => rs.some((r) => r.aborted));
  } finally {
    await close();
  }
});

test('a stream that sends headers and then nothing times out on the first chunk', async () => {
  const { backend, close } = await setup(models.stalled({ afterChunks: 0 }), { backend: STALL_TIMEOUTS });
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'timeout');
    assert.match(outcome.detail, /sent nothing for 600 ms/);
  } finally {
    await close();
  }
});

test('cancelling mid-stream returns cancelled and the server sees the disconnect and stops', async () => {
  const { fake, backend, close } = await setup(models.slow(models.honest(groundTruth), { delayMs: 10 }));
  try {
    const ac = new AbortController();
    const pending = backend.predictTrace(request(), {}, ac.signal);
    await fake.waitFor((rs) => rs.some((r) => r.chunks >= 3));
    ac.abort();
    const outcome = await pending;
    assert.equal(outcome.kind, 'cancelled');
    await fake.waitFor((rs) => rs.some((r) => r.aborted));
    const [record] = fake.generations();
    assert.equal(record.completed, false);
    const sent = record.chunks;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(record.chunks, sent, 'generation stopped after the disconnect');
  } finally {
    await close();
  }
});

test('an error page that is not JSON never reaches stdout (the LSP transport)', async () => {
  const { backend, close } = await setup(models.failing({ status: 502, message: '<html>Bad Gateway</html>', contentType: 'text/html' }));
  const write = process.stdout.write;
  const written = [];
  // console.log writes strings; the test runner's own reports are Buffers and pass through.
  process.stdout.write = (chunk, ...rest) => (typeof chunk === 'string' ? (written.push(chunk), true) : write.call(process.stdout, chunk, ...rest));
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    process.stdout.write = write;
    assert.equal(outcome.kind, 'error');
    assert.equal(outcome.status, 502);
    assert.match(outcome.detail, /Bad Gateway/);
    assert.deepEqual(written, []);
  } finally {
    process.stdout.write = write;
    await close();
  }
});
