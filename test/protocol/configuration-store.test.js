// The configuration store through the LspClient seam, with a plain object for a client: per-URI
// caching, null answers, one warning per problem, and clients that cannot be asked.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createConfigurationStore } = require('../../server/dist/protocol/configuration.js');

function fakeClient(answer) {
  const calls = [];
  const warnings = [];
  return {
    calls,
    warnings,
    publishDiagnostics: () => undefined,
    showWarning: (m) => warnings.push(m),
    log: () => undefined,
    configuration: async (scopeUri, section) => {
      calls.push([scopeUri, section]);
      return typeof answer === 'function' ? answer(scopeUri) : answer;
    },
    applyEdit: async () => true,
    startProgress: async () => ({ report: () => undefined, done: () => undefined }),
  };
}

test('settings are asked once per document and cached until the configuration changes', async () => {
  const client = fakeClient((uri) => ({ debounceMs: uri.includes('slow') ? 900 : 10 }));
  const store = createConfigurationStore(client, undefined);
  assert.equal((await store.settingsFor('file:///slow/a.js')).debounceMs, 900);
  assert.equal((await store.settingsFor('file:///fast/b.js')).debounceMs, 10);
  await store.settingsFor('file:///slow/a.js');
  assert.deepEqual(client.calls, [['file:///slow/a.js', 'orbit'], ['file:///fast/b.js', 'orbit']]);
  store.changed(null);
  await store.settingsFor('file:///slow/a.js');
  assert.equal(client.calls.length, 3);
});

test('initializationOptions apply under a null answer; the answer wins where it has a value', async () => {
  const store = createConfigurationStore(fakeClient(null), { debounceMs: 42 });
  assert.equal((await store.settingsFor('file:///a.js')).debounceMs, 42);
  const answered = createConfigurationStore(fakeClient({ debounceMs: 7 }), { debounceMs: 42, pool: { size: 2 } });
  const settings = await answered.settingsFor('file:///a.js');
  assert.equal(settings.debounceMs, 7);
  assert.equal(settings.pool.size, 2);
});

test('each distinct problem is shown once, however many documents share it', async () => {
  const client = fakeClient({ debounceMs: 'x' });
  const store = createConfigurationStore(client, undefined);
  await Promise.all(['a', 'b', 'c'].map((n) => store.settingsFor(`file:///${n}.js`)));
  assert.equal(client.warnings.length, 1);
  assert.match(client.warnings[0], /^orbit-ls: orbit\.debounceMs: expected an integer/);
});

test('a failing workspace/configuration request falls back to initializationOptions', async () => {
  const client = fakeClient(() => {
    throw new Error('method not found');
  });
  const store = createConfigurationStore(client, { debounceMs: 5 });
  assert.equal((await store.settingsFor('file:///a.js')).debounceMs, 5);
});
