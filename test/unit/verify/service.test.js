// The verification service's triggers: onSave verifies on save only, onIdle after a quiet spell
// (each edit restarting the wait), manual only by command; a close drops the document.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./support');
const { createVerifyService } = require('../../../server/dist/engine/verify/service.js');
const { verifyPrepare } = require('../../../server/dist/workers/tasks/verify-prepare.js');

const TEXT = 'function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\nmodule.exports = add;\n';
const URI = 'file:///app/add.js';

function harness(initialHost, verify) {
  let host = initialHost;
  const docs = new Map([[URI, S.snapshot(TEXT, { uri: URI })]]);
  const published = [];
  const settings = S.settings(verify);
  const service = createVerifyService({
    workspaceSettings: async () => ({ ...settings, ollama: { ...settings.ollama, host } }),
    settingsFor: async () => settings,
    snapshot: (uri) => docs.get(uri),
    staticFindings: async () => [],
    prepare: (input) => verifyPrepare(input),
    publish: (report) => published.push(report),
    notify: () => undefined,
    log: () => undefined,
    startProgress: async () => ({ report: () => undefined, done: () => undefined }),
    env: {},
  });
  const edit = (version) => {
    docs.set(URI, S.snapshot(`${TEXT}// edit ${version}\n`, { uri: URI, version }));
    service.changed(URI);
  };
  return { service, published, edit, docs, setHost: (h) => (host = h) };
}

const until = async (probe, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('onSave verifies on save and not on edits; the report carries the version', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  const h = harness(fake.host, { trigger: 'onSave' });
  try {
    h.edit(2);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.published.length, 0);
    h.service.saved(URI);
    await until(() => h.published.length === 1);
    assert.equal(h.published[0].version, 2);
    assert.equal(h.service.latest(URI).version, 2);
    h.edit(3);
    assert.equal(h.service.latest(URI), undefined, 'an edit makes the report stale');
  } finally {
    h.service.dispose();
    await fake.close();
  }
});

test('onIdle waits for a quiet spell, and each edit restarts the wait', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  const h = harness(fake.host, { trigger: 'onIdle', idleMs: 200 });
  try {
    h.edit(2);
    await new Promise((r) => setTimeout(r, 120));
    h.edit(3);
    await until(() => h.published.length > 0);
    assert.deepEqual(h.published.map((r) => r.version), [3]);
  } finally {
    h.service.dispose();
    await fake.close();
  }
});

test('manual verifies only by command; a close aborts and forgets', async () => {
  const fake = await S.startOllama((p) => S.models.slow(S.models.honest(p), { delayMs: 20 }));
  const h = harness(fake.host, { trigger: 'manual' });
  try {
    h.service.saved(URI);
    h.edit(2);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(h.published.length, 0);
    const running = h.service.verifyNow(URI, undefined, new AbortController().signal);
    await fake.waitFor((rs) => rs.some((r) => r.path === '/api/chat'), 10_000);
    h.docs.delete(URI);
    h.service.closed(URI);
    assert.equal(await running, undefined);
    assert.equal(h.published.length, 0);
  } finally {
    h.service.dispose();
    await fake.close();
  }
});

test('a changed orbit.ollama.host takes effect: the backend is rebuilt and the model checked again', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  const h = harness('http://127.0.0.1:9', { trigger: 'manual' });
  try {
    await h.service.start();
    const skipped = await h.service.verifyNow(URI, undefined, new AbortController().signal);
    assert.match(skipped.skipped, /not reachable at http:\/\/127\.0\.0\.1:9/);
    h.setHost(fake.host);
    h.service.configurationChanged();
    const report = await h.service.verifyNow(URI, undefined, new AbortController().signal);
    assert.equal(report.skipped, undefined);
    assert.equal(report.verified, 1);
  } finally {
    h.service.dispose();
    await fake.close();
  }
});
