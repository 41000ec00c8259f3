// The editor's sandbox service with a stub pool: a time-out or a crash of the pass becomes a log
// line and a sandbox-incomplete notice for that version, a result for a version the editor no longer has is dropped,
// an edit aborts the running pass, and rule levels apply to sandbox findings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createSandboxService } = require('../../../server/dist/engine/sandbox/service.js');
const { defaultSettings } = require('../../../server/dist/config/validate.js');

const URI = 'file:///app/login.js';
const FINDING = { ruleId: 'hidden-trigger', cwe: ['CWE-506', 'CWE-912'], severity: 'error', message: 'Sends secrets only when user === "x" (CWE-506)', span: { start: 0, end: 4 } };
const done = (findings = [FINDING]) => ({ kind: 'done', elapsedMs: 5, value: { findings, errors: [], unitsTraced: 1, unitsCached: 0, runs: 3, elapsedMs: 5 } });

/** A service over one document whose version the test moves, and a pool answering with `answer`. */
function harness(answer, settings = defaultSettings()) {
  const state = { version: 1, logs: [], published: [], inputs: [], aborted: 0 };
  /** @type {any} A stand-in with only what the sandbox service calls: size and run. */
  const pool = {
    size: 1,
    run: (name, input, { signal }) => {
      state.inputs.push({ name, input });
      signal.addEventListener('abort', () => state.aborted++);
      return answer(signal, state);
    },
  };
  const service = createSandboxService({
    settingsFor: async () => settings,
    snapshot: (uri) => ({ uri, version: state.version, text: 'fetch(1)', /** @type {const} */ language: 'js' }),
    pool: async () => pool,
    publish: (uri, version) => state.published.push({ uri, version }),
    log: (m) => state.logs.push(m),
  });
  return { service, state };
}

test('a finished pass is kept for its version and published; the task gets the sandbox settings', async () => {
  const { service, state } = harness(async () => done());
  const outcome = await service.runNow(URI, new AbortController().signal);
  assert.equal(outcome.kind, 'done');
  assert.deepEqual(state.published, [{ uri: URI, version: 1 }]);
  assert.deepEqual(service.latest(URI).findings.map((f) => f.ruleId), ['hidden-trigger']);
  assert.deepEqual(state.inputs[0], { name: 'sandbox', input: { fileName: URI, text: 'fetch(1)', limits: { timeMs: 1000 }, unexpectedEffects: false, budgetMs: 20_000 } });
  assert.match(state.logs[0], /sandbox pass of file:\/\/\/app\/login\.js \(version 1\): 1 function\(s\) run, 0 from cache, 1 finding\(s\)/);
  state.version = 2;
  assert.equal(service.latest(URI), undefined, 'a later version does not see it');
});

test('a time-out or a crash becomes one log line and a sandbox-incomplete notice; nothing throws', async () => {
  for (const failure of [{ kind: 'failed', reason: 'timeout', message: 'analysis took longer than 30000 ms' }, { kind: 'failed', reason: 'error', message: 'worker exited' }]) {
    const { service, state } = harness(async () => failure);
    const outcome = await service.runNow(URI, new AbortController().signal);
    assert.equal(outcome.kind, 'failed');
    // The user is told this version was not fully checked, instead of seeing no findings.
    assert.deepEqual(state.published, [{ uri: URI, version: 1 }]);
    assert.deepEqual(service.latest(URI).findings, []);
    assert.deepEqual(service.latest(URI).notices.map((n) => n.code), ['sandbox-incomplete']);
    assert.equal(state.logs.length, 1);
    assert.match(state.logs[0], failure.reason === 'timeout' ? /sandbox pass failed: it took longer than \d+ ms and was stopped; lower orbit\.sandbox\.budgetMs/ : /sandbox pass failed: worker exited/);
  }
  const { service, state } = harness(async () => {
    throw new Error('pool is gone');
  });
  service.saved(URI);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.match(state.logs[0], /sandbox pass of file:\/\/\/app\/login\.js failed unexpectedly: Error: pool is gone/);
});

test('an edit aborts the running pass, and a result for an older version is dropped', async () => {
  // The pass ends only when aborted: an edit must abort it and nothing may be published.
  const hanging = harness((signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ kind: 'cancelled' }))));
  hanging.service.saved(URI);
  await new Promise((resolve) => setTimeout(resolve, 10));
  hanging.state.version = 2;
  hanging.service.changed(URI);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(hanging.state.aborted, 1);
  assert.deepEqual(hanging.state.published, []);
  // The pass finishes, but the editor has moved on without telling the service yet.
  const late = harness(async (_signal, state) => {
    state.version = 2;
    return done();
  });
  assert.equal((await late.service.runNow(URI, new AbortController().signal)).kind, 'cancelled');
  assert.deepEqual(late.state.published, []);
  assert.equal(late.service.latest(URI), undefined);
});

test('orbit.sandbox.enabled false skips the pass; orbit.rules levels apply to sandbox findings', async () => {
  const off = harness(async () => done(), { ...defaultSettings(), sandbox: { ...defaultSettings().sandbox, enabled: false } });
  assert.deepEqual(await off.service.runNow(URI, new AbortController().signal), { kind: 'skipped', reason: 'orbit.sandbox.enabled is false' });
  assert.deepEqual(off.state.inputs, []);
  const lowered = harness(async () => done(), { ...defaultSettings(), rules: { 'hidden-trigger': 'hint' } });
  await lowered.service.runNow(URI, new AbortController().signal);
  assert.equal(lowered.service.latest(URI).findings[0].severity, 'hint');
  const silenced = harness(async () => done(), { ...defaultSettings(), rules: { 'hidden-trigger': 'off' } });
  await silenced.service.runNow(URI, new AbortController().signal);
  assert.deepEqual(silenced.service.latest(URI).findings, []);
});
