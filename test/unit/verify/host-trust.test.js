// Model hosts named by settings are contacted only when they are loopback or allowed in the
// environment (ORBIT_LS_MODEL_HOSTS, OLLAMA_HOST). A settings file inside a repository must not be
// able to send its code elsewhere. The refused host here is a name that this test's resolver maps
// to the local test server: had orbit-ls tried to connect, the name would have been looked up and
// the local server would have received the request. Nothing leaves 127.0.0.0/8.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const dns = require('node:dns');
const S = require('./support');
const trust = require('../../../server/dist/external/llm/trust.js');
const { isLoopback } = trust;
/** The trust decision, with `why` readable on either outcome (undefined when refused). */
const decideHostTrust = /** @type {(url: string, env: Record<string, string | undefined>) => import('../../../server/dist/external/llm/trust').HostTrust & { why?: string }} */ (trust.decideHostTrust);
const { chooseModelBackend } = require('../../../server/dist/engine/model-backend.js');
const { createVerifyService } = require('../../../server/dist/engine/verify/service.js');
const { verifyPrepare } = require('../../../server/dist/workers/tasks/verify-prepare.js');
const { defaultSettings } = require('../../../server/dist/config/validate.js');
const { startFakeOllama, models } = require('../../support/fake-ollama');
const { startFakeOpenAi } = require('../../support/fake-openai/server.js');

const REMOTE = 'gpu-box.orbit-test.invalid';

/** Every name lookup in this process is recorded and answered with 127.0.0.1. */
const lookedUp = [];
const realLookup = dns.lookup;
test.before(() => {
  // @ts-expect-error: a stand-in for the lookup overloads the model client uses, without __promisify__.
  dns.lookup = function lookup(host, options, callback) {
    if (typeof options === 'function') [callback, options] = [options, {}];
    lookedUp.push(host);
    if (options?.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    return callback(null, '127.0.0.1', 4);
  };
});
test.after(() => {
  dns.lookup = realLookup;
});

function settingsWith(over) {
  const s = defaultSettings();
  return { ...s, ...over, ollama: { ...s.ollama, ...(over.ollama ?? {}) }, openai: { ...s.openai, ...(over.openai ?? {}) } };
}

async function exercise(backend) {
  const never = new AbortController().signal;
  const health = await backend.health(never);
  const trace = await backend.predictTrace({ program: 'function f(a) { return a; }', inputs: [[1]], schema: { type: 'object' } }, {}, never);
  let generated;
  try {
    for await (const chunk of backend.generateStream({ prompt: 'function f() {', raw: true }, never)) generated = chunk;
  } catch (error) {
    generated = error.failure?.kind;
  }
  return { health, trace, generated };
}

test('loopback is trusted as written; everything else is decided without resolving it', () => {
  for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', 'api.localhost']) assert.ok(isLoopback(h), h);
  for (const h of ['10.0.0.5', 'gpu.lan', 'localhost.evil.example', '128.0.0.1', '0.0.0.0']) assert.equal(isLoopback(h), false, h);
  assert.equal(decideHostTrust('http://127.0.0.2:11434', {}).trusted, true);
  const refused = decideHostTrust('http://gpu.lan:11434', {});
  assert.equal(refused.trusted, false);
  assert.match(refused.message, /did not contact the model host gpu\.lan:11434.*ORBIT_LS_MODEL_HOSTS=gpu\.lan:11434/);
  assert.equal(decideHostTrust('http://gpu.lan:11434', { ORBIT_LS_MODEL_HOSTS: 'other, gpu.lan' }).why, 'allowed');
  assert.equal(decideHostTrust('http://gpu.lan:11434', { ORBIT_LS_MODEL_HOSTS: 'gpu.lan:11434' }).trusted, true);
  assert.equal(decideHostTrust('http://gpu.lan:8000', { ORBIT_LS_MODEL_HOSTS: 'gpu.lan:11434' }).trusted, false, 'a port names one service');
  assert.equal(decideHostTrust('http://gpu.lan:11434', { OLLAMA_HOST: 'gpu.lan:11434' }).why, 'OLLAMA_HOST');
});

test('a refused Ollama host is never contacted: no lookup, no request, every call says how to allow it', async () => {
  const fake = await startFakeOllama({ models: { 'qwen2.5-coder:7b': models.scripted('{"traces": []}') } });
  try {
    const url = `http://${REMOTE}:${fake.port}`;
    const choice = chooseModelBackend(settingsWith({ ollama: { host: [url] } }), {}, { purpose: 'verify' });
    assert.equal(choice.refused.length, 1);
    const { health, trace, generated } = await exercise(choice.backend);
    assert.equal(health.ok, false);
    assert.match(health.detail, new RegExp(`did not contact the model host ${REMOTE.replace(/\./g, '\\.')}:${fake.port}.*ORBIT_LS_MODEL_HOSTS=`));
    assert.equal(trace.kind, 'unavailable');
    assert.equal(generated, 'unavailable');
    assert.deepEqual(fake.requests, []);
    assert.equal(lookedUp.includes(REMOTE), false);

    // The same host allowed in the environment is used (and this is what the resolver above
    // would have made of a connection): the local server answers.
    const allowed = chooseModelBackend(settingsWith({ ollama: { host: [url] } }), { ORBIT_LS_MODEL_HOSTS: REMOTE }, { purpose: 'verify' });
    assert.equal((await allowed.backend.health(new AbortController().signal)).ok, true);
    assert.ok(fake.requests.length > 0);
    assert.ok(lookedUp.includes(REMOTE));
  } finally {
    await fake.close();
  }
});

test('in a host list only the refused entries are dropped', async () => {
  const fake = await startFakeOllama({ models: { 'qwen2.5-coder:7b': models.scripted('x') } });
  try {
    const choice = chooseModelBackend(settingsWith({ ollama: { host: [`http://${REMOTE}:1`, fake.host] } }), {}, { purpose: 'verify' });
    assert.deepEqual(choice.hosts.map((h) => h.trusted), [false, true]);
    assert.equal(choice.backend.host, fake.host);
  } finally {
    await fake.close();
  }
});

test('a refused OpenAI-compatible baseUrl is never contacted either', async () => {
  const server = await startFakeOpenAi({ models: { m: models.scripted('x') } });
  try {
    const s = settingsWith({ backend: 'openai', openai: { baseUrl: `http://${REMOTE}:${server.port}/v1`, model: 'm' } });
    const choice = chooseModelBackend(s, { OPENAI_API_KEY: 'sk-local' }, { purpose: 'regenerate' });
    const { health, trace, generated } = await exercise(choice.backend);
    assert.equal(health.ok, false);
    assert.equal(trace.kind, 'unavailable');
    assert.equal(generated, 'unavailable');
    assert.deepEqual(server.requests, []);
  } finally {
    await server.close();
  }
});

test('the verification service warns the user once, naming the host and the variable that allows it', async () => {
  const fake = await startFakeOllama({ models: { 'qwen2.5-coder:7b': models.scripted('x') } });
  const notes = [];
  try {
    const settings = S.settings({ trigger: 'manual' });
    const service = createVerifyService({
      workspaceSettings: async () => ({ ...settings, ollama: { ...settings.ollama, host: [`http://${REMOTE}:${fake.port}`] } }),
      settingsFor: async () => settings,
      snapshot: (uri) => S.snapshot('function f(a) {\n  return a;\n}\n', { uri }),
      staticFindings: async () => [],
      prepare: (input) => verifyPrepare(input),
      publish: () => undefined,
      notify: (m) => notes.push(m),
      log: () => undefined,
      startProgress: async () => ({ report: () => undefined, done: () => undefined }),
      env: {},
      backoff: { initialDelayMs: 10_000, maxDelayMs: 10_000, factor: 1 },
    });
    await service.start();
    const report = await service.verifyNow('file:///f.js', undefined, new AbortController().signal);
    service.dispose();
    assert.match(notes[0], new RegExp(`${REMOTE.replace(/\./g, '\\.')}:${fake.port}.*ORBIT_LS_MODEL_HOSTS`));
    assert.match(report.skipped, /did not contact the model host/);
    assert.deepEqual(fake.requests, []);
  } finally {
    await fake.close();
  }
});
