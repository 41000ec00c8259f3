// `orbit-ls check --verify` against stand-in model servers on 127.0.0.1: the OpenAI-compatible
// form of --config (SSE), an Ollama host list whose first host is down (NDJSON), the run summary
// in every format, a re-run over unchanged functions that makes no model calls, shards that split
// the tree by path, and a config file naming a host the environment does not allow.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn: check } = require('../../support/run-check');
const { startFakeOllama } = require('../../support/fake-ollama');
const { startFakeOpenAi } = require('../../support/fake-openai/server.js');
const { models, sandboxProvider } = require('../verify/support.js');
const { closedPort } = require('../ollama/support.js');

const MODEL = 'qwen2.5-coder:7b';
const FILES = {
  'src/math.js': 'function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\nfunction twice(x) {\n  return x * 2;\n}\nmodule.exports = { add, twice };\n',
  'src/names.js': 'function greet(name) {\n  return "hi " + name;\n}\nmodule.exports = { greet };\n',
  'lib/clamp.js': 'function clamp(n) {\n  if (n > 10) return 10;\n  return n;\n}\nmodule.exports = { clamp };\n',
};

function workspace(orbit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-check-verify-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const cacheDir = path.join(dir, '.cache');
  const config = path.join(dir, 'orbit.json');
  const write = (o) => fs.writeFileSync(config, JSON.stringify({ orbit: { pool: { size: 1 }, ...o, ollama: { cacheDir, ...(o.ollama ?? {}) } } }));
  write(orbit);
  return { dir, config, write };
}

test('--config in the OpenAI form verifies every function over SSE; a re-run makes no model calls', async () => {
  const server = await startFakeOpenAi({ models: { 'coder-instruct': models.honest(sandboxProvider()) } });
  const ws = workspace({ backend: 'openai', openai: { baseUrl: server.baseUrl, model: 'coder-instruct' } });
  try {
    const first = await check(ws.dir, ['--verify', '--config', ws.config, '--format', 'json', '.']);
    assert.equal(first.code, 0, first.err);
    const v = JSON.parse(first.out).verification;
    assert.equal(v.backend, 'openai');
    assert.equal(v.functionsVerified, 4);
    assert.equal(v.incomplete, 0);
    assert.ok(v.modelCalls >= 4, `${v.modelCalls} model calls`);
    assert.ok(v.promptTokens > 0 && v.outputTokens > 0);
    assert.ok(server.completions().length >= 4);
    assert.ok(server.completions().every((r) => r.body.stream === true && r.chunks > 1));

    const calls = server.completions().length;
    const again = await check(ws.dir, ['--verify', '--config', ws.config, '--format', 'json', '.']);
    const w = JSON.parse(again.out).verification;
    assert.equal(w.functionsVerified, 4);
    assert.equal(w.modelCalls, 0);
    assert.ok(w.cachedAnswers >= 4);
    assert.equal(server.completions().length, calls, 'the server was not asked again');
  } finally {
    await server.close();
  }
});

test('--config with an Ollama host list whose first host is down verifies on the second; SARIF carries the run summary', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.honest(sandboxProvider()) } });
  const down = `http://127.0.0.1:${await closedPort()}`;
  const ws = workspace({ ollama: { host: [down, fake.host] } });
  try {
    const r = await check(ws.dir, ['--verify', '--config', ws.config, '--format', 'sarif', '--jobs', '2', '.']);
    assert.equal(r.code, 0, r.err);
    const run = JSON.parse(r.out).runs[0];
    const v = run.properties.verification;
    assert.equal(v.functionsVerified, 4);
    assert.deepEqual(v.hosts, [down, fake.host]);
    assert.ok(v.modelCalls >= 4);
    assert.ok(fake.generations().length >= 4);
    assert.match(r.err, /Ollama host http:\/\/127\.0\.0\.1:\d+ left out: Ollama is not reachable/);
  } finally {
    await fake.close();
  }
});

test('text output ends with the verification summary; an unreachable model exits 3', async () => {
  const ws = workspace({ ollama: { host: `http://127.0.0.1:${await closedPort()}` } });
  const r = await check(ws.dir, ['--verify', '--config', ws.config, '.']);
  assert.equal(r.code, 3);
  assert.match(r.out, /Model verification \(ollama, qwen2\.5-coder:7b\): 0 functions verified, 0 incomplete, 0 model calls.*3 file\(s\) not verified: Ollama is not reachable/);
});

test('--shard i/n splits the files by path: the shards are disjoint and cover the tree', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.honest(sandboxProvider()) } });
  const ws = workspace({ ollama: { host: fake.host } });
  try {
    const seen = [];
    let functions = 0;
    for (const i of [1, 2, 3]) {
      const r = await check(ws.dir, ['--verify', '--shard', `${i}/3`, '--config', ws.config, '--format', 'json', '.']);
      const doc = JSON.parse(r.out);
      assert.deepEqual(doc.verification.shard, { index: i, count: 3 });
      functions += doc.verification.functionsVerified;
      seen.push(doc.summary.filesChecked);
    }
    assert.equal(seen.reduce((a, b) => a + b, 0), 3);
    assert.equal(functions, 4);
    // The same shard twice is the same files.
    const a = await check(ws.dir, ['--shard', '2/3', '--config', ws.config, '--format', 'json', '.']);
    const b = await check(ws.dir, ['--shard', '2/3', '--config', ws.config, '--format', 'json', '.']);
    assert.equal(JSON.parse(a.out).summary.filesChecked, JSON.parse(b.out).summary.filesChecked);
    await assert.rejects(check(ws.dir, ['--shard', '4/3', '.']), /--shard takes i\/n/);
  } finally {
    await fake.close();
  }
});

test('a config file naming a host the environment does not allow sends nothing and says how to allow it', async () => {
  const fake = await startFakeOllama({ models: { [MODEL]: models.honest(sandboxProvider()) } });
  const ws = workspace({ ollama: { host: [`http://models.orbit-test.invalid:${fake.port}`] } });
  try {
    const r = await check(ws.dir, ['--verify', '--config', ws.config, '.']);
    assert.equal(r.code, 3);
    assert.match(r.err, /did not contact the model host models\.orbit-test\.invalid:\d+.*ORBIT_LS_MODEL_HOSTS=/);
    assert.deepEqual(fake.requests, []);
  } finally {
    await fake.close();
  }
});
