// What /api/show and /api/tags say about a model decides how generation talks to it (raw
// completion, fill-in-the-middle, chat) and keys the answer cache by the model's digest.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createOllamaBackend } = require('../../../server/dist/external/llm/ollama/index.js');
const { chooseGenerationMode } = require('../../../server/dist/external/llm/ollama/mode.js');
const { startFakeOllama, models } = require('../../support/fake-ollama');
const { request, groundTruth, never, MODEL } = require('./support.js');

const CHAT_TEMPLATE = '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n';
const FIM_TEMPLATE = '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{ else }}{{ .Prompt }}{{ end }}';

async function collect(stream) {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

test('the mode follows the template: completion models raw, instruct models chat, FIM templates fill in the middle', () => {
  assert.equal(chooseGenerationMode({ template: '{{ .Prompt }}', capabilities: ['completion'] }).mode, 'generate');
  assert.equal(chooseGenerationMode({ template: CHAT_TEMPLATE, capabilities: ['completion', 'tools'] }).mode, 'chat');
  assert.equal(chooseGenerationMode({ template: FIM_TEMPLATE, capabilities: ['completion'] }).mode, 'fim');
  assert.equal(chooseGenerationMode({ template: CHAT_TEMPLATE, capabilities: ['completion', 'insert'] }).mode, 'fim');
});

/** @type {Array<[string, object, string, (g: any, text: string) => void]>} */
const MODES = [
  ['an instruct model is asked through /api/chat with a system message', { template: CHAT_TEMPLATE }, '/api/chat', (g) => {
    assert.equal(g.body.messages[0].role, 'system');
    assert.equal(g.body.messages[1].content, 'function f() {');
  }],
  ['a fill-in-the-middle model gets the suffix and the stream ends with it', { template: FIM_TEMPLATE }, '/api/generate', (g, text) => {
    assert.equal(g.body.suffix, '\n}\n');
    assert.equal(g.body.raw, undefined, 'the template must apply');
    assert.ok(text.endsWith('\n}\n'));
  }],
  ['a completion model gets the raw prompt', {}, '/api/generate', (g) => assert.equal(g.body.raw, true)],
];
for (const [name, info, path, check] of MODES) {
  test(name, async () => {
    const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('  return 1;') }, modelInfo: { [MODEL]: info } });
    try {
      const backend = createOllamaBackend({ host: fake.host, model: MODEL });
      const text = await collect(backend.generateStream({ prompt: 'function f() {', raw: true }, never()));
      const [g] = fake.generations();
      assert.equal(g.path, path);
      assert.match(text, /^ {2}return 1;/);
      check(g, text);
    } finally {
      await fake.close();
    }
  });
}

test('orbit.ollama.mode overrides what the template suggests', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('x') }, modelInfo: { [MODEL]: { template: CHAT_TEMPLATE } } });
  try {
    const backend = createOllamaBackend({ host: fake.host, model: MODEL, mode: 'generate' });
    await collect(backend.generateStream({ prompt: 'p', raw: true }, never()));
    assert.equal(fake.generations()[0].path, '/api/generate');
    assert.deepEqual(await backend.generationMode(never()), { mode: 'generate', why: 'set by orbit.ollama.mode' });
  } finally {
    await fake.close();
  }
});

test('a model pulled again (new digest) does not reuse the cached answers of the old one', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-digest-'));
  try {
    // Each backend is a new run (or settings reloaded) sharing the disk cache.
    const run = async () => /** @type {Extract<import('../../../server/dist/external/llm/types').PredictOutcome, { kind: 'ok' }>} */ (await createOllamaBackend({ host: fake.host, model: MODEL, cacheDir }).predictTrace(request(), {}, never()));
    assert.equal((await run()).cached, false);
    assert.equal((await run()).cached, true, 'the same model reuses the answer');
    fake.repull(MODEL, 'f'.repeat(64));
    assert.equal((await run()).cached, false, 'the re-pulled model is asked again');
    assert.equal(fake.generations().length, 2);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    await fake.close();
  }
});
