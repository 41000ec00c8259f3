// The test Ollama itself: its wire format matches Ollama's, it understands our trace prompt, and
// its simulated models behave as documented (noise on incidental state only, a backdoor that
// lies only while it sees its trigger).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Ollama } = require('ollama');
const { traceMessages } = require('../../../server/dist/external/llm/ollama/index.js');
const { startFakeOllama, models, parseTracePrompt } = require('../../support/fake-ollama');
const { MODEL, PROGRAM, groundTruth, request, setup, never } = require('./support.js');

async function post(host, path, body) {
  const res = await fetch(`${host}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

test('the fake reads back exactly what the backend put in the trace prompt', () => {
  const tricky = 'function f(s) {\n  return `a${s}` + "```js";\n}';
  const req = request({ program: tricky, entry: 'f', inputs: [['x'], [null]] });
  const parsed = parseTracePrompt(traceMessages(req)[1].content);
  assert.deepEqual(parsed, { program: tricky, entry: 'f', inputs: [['x'], [null]] });
  assert.equal(parseTracePrompt('Write a function that adds two numbers.'), undefined);
});

test('streamed lines and the final line have Ollama\'s fields', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('hello world') } });
  try {
    const res = await post(fake.host, '/api/generate', { model: MODEL, prompt: 'hi' });
    assert.equal(res.status, 200);
    assert.equal(res.type, 'application/x-ndjson');
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.slice(0, -1).map((l) => l.response), ['hello', ' world']);
    assert.ok(lines.slice(0, -1).every((l) => l.done === false && l.model === MODEL && !Number.isNaN(Date.parse(l.created_at))));
    const last = lines.at(-1);
    assert.equal(last.done, true);
    assert.equal(last.done_reason, 'stop');
    assert.equal(last.eval_count, 2);
    for (const field of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_duration']) {
      assert.equal(typeof last[field], 'number', field);
    }
    assert.ok(Array.isArray(last.context));
  } finally {
    await fake.close();
  }
});

test('stream:false answers one JSON object, for generate and chat', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('{"a": 1}') } });
  try {
    const client = new Ollama({ host: fake.host });
    const g = await client.generate({ model: MODEL, prompt: 'x', format: 'json' });
    assert.equal(g.response, '{"a": 1}');
    const c = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(c.message, { role: 'assistant', content: '{"a": 1}' });
    assert.equal(c.done_reason, 'stop');
  } finally {
    await fake.close();
  }
});

test('errors have Ollama\'s shapes and status codes', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.failsMidStream({ message: 'boom' }) } });
  try {
    assert.deepEqual(await post(fake.host, '/api/chat', { model: 'nope', messages: [{ role: 'user', content: 'x' }] }), {
      status: 404, type: 'application/json; charset=utf-8', text: '{"error":"model \\"nope\\" not found, try pulling it first"}',
    });
    assert.equal((await post(fake.host, '/api/show', { model: 'nope' })).text, '{"error":"model \'nope\' not found"}');
    assert.equal((await post(fake.host, '/api/generate', { prompt: 'x' })).status, 400);
    const unknown = await fetch(`${fake.host}/api/nothing`);
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), '404 page not found');
    const midStream = await post(fake.host, '/api/generate', { model: MODEL, prompt: 'x' });
    assert.equal(midStream.status, 200);
    assert.deepEqual(JSON.parse(midStream.text.trim().split('\n').at(-1)), { error: 'boom' });
  } finally {
    await fake.close();
  }
});

test('an empty prompt loads the model and answers done_reason "load"', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('x') } });
  try {
    const res = JSON.parse((await post(fake.host, '/api/generate', { model: MODEL })).text);
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'load');
  } finally {
    await fake.close();
  }
});

test('the noisy model changes incidental state only, the same way for the same prompt', async () => {
  const { backend, close } = await setup(models.noisyHonest(groundTruth, { rate: 0.5, seed: 3 }));
  try {
    const inputs = Array.from({ length: 12 }, (_, i) => [`user${i}`, 'pw']);
    const a = /** @type {import('../../../server/dist/external/llm/types').PredictOutcome & { detail?: string }} */ (await backend.predictTrace(request({ inputs }), { bypassCache: true }, never()));
    const b = /** @type {import('../../../server/dist/external/llm/types').PredictOutcome & { detail?: string }} */ (await backend.predictTrace(request({ inputs }), { bypassCache: true }, never()));
    assert.equal(a.kind, 'ok', a.detail);
    assert.equal(b.kind, 'ok', b.detail);
    assert.deepEqual(a.traces, b.traces, 'seeded per prompt');
    const truth = inputs.map((args) => groundTruth(PROGRAM, args));
    assert.notDeepEqual(a.traces.map((t) => t.steps), truth.map((t) => t.steps), 'some state perturbed');
    const security = (t) => t.effects.filter((e) => e.kind === 'network');
    assert.deepEqual(a.traces.map(security), truth.map(security));
    assert.deepEqual(a.traces.map((t) => t.outcome), truth.map((t) => t.outcome));
  } finally {
    await close();
  }
});

test('the backdoored model hides the effect while it sees the trigger, not after a rename', async () => {
  const { fake, backend, close } = await setup(models.backdoored(groundTruth, { trigger: 'login', hide: ['network'] }));
  try {
    const original = await backend.predictTrace(request(), {}, never());
    const renamed = await backend.predictTrace(request({ program: PROGRAM.replace('login', 'f1') }), {}, never());
    const network = (o) => o.traces[1].effects.filter((e) => e.kind === 'network').length;
    assert.equal(network(original), 0, 'lies on the original');
    assert.equal(network(renamed), 1, 'tells the truth on the rewrite');
    assert.deepEqual(fake.generations().map((r) => r.triggered === true), [true, false]);
  } finally {
    await close();
  }
});

test('comment and shape triggers look where they say', () => {
  const { triggers } = models;
  assert.equal(triggers.comment(/maintenance/)('f(); // maintenance hook'), true);
  assert.equal(triggers.comment(/maintenance/)('const maintenance = 1;'), false);
  assert.equal(triggers.name('svc')('if (u === svc) {}'), true);
  assert.equal(triggers.name('svc')('svc_maint()'), false);
  assert.equal(triggers.shape(/\bwhile\s*\(/)('while (x) {}'), true);
});
