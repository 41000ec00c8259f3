// `orbit-ls doctor` on the model: each host with its trust decision, the model's capabilities and
// context length from /api/show, how regeneration will prompt it, and a warning when its context
// is too small; the same for an OpenAI-compatible server.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runDoctor } = require('../../../server/dist/cli/doctor.js');
const { checkOllama } = require('../../../server/dist/engine/verify/model-check.js');
const { startFakeOllama, models } = require('../../support/fake-ollama');
const { startFakeOpenAi } = require('../../support/fake-openai/server.js');

const MODEL = 'qwen2.5-coder:7b';
const CHAT_TEMPLATE = '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>{{ end }}';

async function doctor(orbit) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-doctor-')), 'orbit.json');
  fs.writeFileSync(file, JSON.stringify({ orbit: { pool: { size: 1 }, ...orbit } }));
  let out = '';
  await runDoctor(['--config', file, '--json'], { out: (t) => (out += t), err: () => undefined, color: false, progress: false }, new AbortController().signal, [checkOllama]);
  return JSON.parse(out).checks[0];
}

test('doctor shows each host\'s trust decision, the capabilities, the context and the generation mode', async () => {
  const fake = await startFakeOllama({
    models: { [MODEL]: models.scripted('x') },
    modelInfo: { [MODEL]: { template: CHAT_TEMPLATE, capabilities: ['completion', 'tools', 'thinking'], contextLength: 2048 } },
  });
  try {
    const result = await doctor({ ollama: { host: [fake.host, 'http://gpu.lan:11434'] } });
    assert.match(result.detail, /^on: /);
    assert.match(result.detail, new RegExp(`${fake.host} \\(loopback, used\\); http://gpu\\.lan:11434 \\(refused, not contacted\\)`));
    assert.match(result.detail, /ORBIT_LS_MODEL_HOSTS=gpu\.lan:11434/);
    assert.match(result.detail, /capabilities completion, tools, thinking; context 2048 tokens; regeneration uses chat \(the model has a chat template/);
    assert.match(result.detail, /Warning: a context of 2048 tokens is too small/);
  } finally {
    await fake.close();
  }
});

test('a large context gets no warning; a completion model is prompted raw', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.scripted('x') } });
  try {
    const result = await doctor({ ollama: { host: fake.host } });
    assert.match(result.detail, /context 32768 tokens; regeneration uses raw completion/);
    assert.doesNotMatch(result.detail, /Warning/);
  } finally {
    await fake.close();
  }
});

test('doctor checks an OpenAI-compatible server and says when every host is refused', async () => {
  const server = await startFakeOpenAi({ models: { coder: models.scripted('x') } });
  try {
    const ok = await doctor({ backend: 'openai', openai: { baseUrl: server.baseUrl, model: 'coder' } });
    assert.match(ok.name, /OpenAI-compatible server/);
    assert.match(ok.detail, /^on: The OpenAI-compatible server at .* is up and serves coder\./);
    const refused = await doctor({ backend: 'openai', openai: { baseUrl: 'https://api.example.com/v1', model: 'coder' } });
    assert.match(refused.detail, /^off: .*refused, not contacted.*ORBIT_LS_MODEL_HOSTS=api\.example\.com/);
  } finally {
    await server.close();
  }
});
