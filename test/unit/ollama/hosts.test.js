// Several Ollama hosts as one backend: calls spread by outstanding work, a host that is down is
// taken out with backoff and the call moves on, the host comes back once it answers, and the
// answer (and its cache entry) does not depend on which host gave it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createHostPool } = require('../../../server/dist/external/llm/ollama/index.js');
const { startFakeOllama, models } = require('../../support/fake-ollama');
const { request, groundTruth, never, closedPort, MODEL, PROGRAM } = require('./support.js');

const variant = (i) => request({ program: PROGRAM.replace('user0', `user${i}`).replace('login', `login${i}`) });

test('concurrent calls spread over the hosts by outstanding work', async () => {
  const slow = () => models.slow(models.honest(groundTruth), { delayMs: 5 });
  const a = await startFakeOllama({ models: { [MODEL]: slow() } });
  const b = await startFakeOllama({ models: { [MODEL]: slow() } });
  try {
    const pool = createHostPool({ hosts: [a.host, b.host], model: MODEL });
    const outcomes = await Promise.all([0, 1, 2, 3].map((i) => pool.predictTrace(variant(i), {}, never())));
    assert.deepEqual(outcomes.map((o) => o.kind), ['ok', 'ok', 'ok', 'ok']);
    assert.equal(a.generations().length, 2);
    assert.equal(b.generations().length, 2);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a host that is down is taken out with backoff; calls go to the other; it comes back when it answers', async () => {
  const port = await closedPort();
  const downHost = `http://127.0.0.1:${port}`;
  const b = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  let clock = 1_000_000;
  const changes = [];
  try {
    const pool = createHostPool({
      hosts: [downHost, b.host], model: MODEL, now: () => clock,
      backoff: { initialDelayMs: 1000, maxDelayMs: 8000, factor: 2 },
      onHostChange: (host, state) => changes.push(`${host === downHost ? 'A' : 'B'} ${state}`),
    });
    const first = await pool.predictTrace(variant(1), {}, never());
    assert.equal(first.kind, 'ok', 'the call moved on to the second host');
    let [stateA] = pool.hostStates();
    assert.equal(stateA.failures, 1);
    assert.equal(stateA.outUntil, clock + 1000);
    assert.match(stateA.lastError, /not reachable/);

    // While A is out, calls go straight to B (A is not tried).
    await pool.predictTrace(variant(2), {}, never());
    assert.equal(pool.hostStates()[0].failures, 1);
    assert.equal(b.generations().length, 2);

    // After the backoff A is tried again, fails again, and stays out twice as long.
    clock += 1001;
    await pool.predictTrace(variant(3), {}, never());
    [stateA] = pool.hostStates();
    assert.equal(stateA.failures, 2);
    assert.equal(stateA.outUntil, clock + 2000);

    // A starts answering: after its backoff it gets the next call and is back.
    const a = await startFakeOllama({ port, models: { [MODEL]: models.honest(groundTruth) } });
    try {
      clock += 2001;
      const back = await pool.predictTrace(variant(4), {}, never());
      assert.equal(back.kind, 'ok');
      assert.equal(a.generations().length, 1);
      assert.deepEqual(pool.hostStates()[0], { host: downHost, outstanding: 0, failures: 0, outUntil: 0, lastError: undefined });
      assert.deepEqual(changes, ['A out', 'A out', 'A back']);
    } finally {
      await a.close();
    }
  } finally {
    await b.close();
  }
});

test('the answer and its cache entry do not depend on which host gave it', async () => {
  const a = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  const b = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  try {
    const pool = createHostPool({ hosts: [a.host, b.host], model: MODEL });
    const fromA = /** @type {Extract<import('../../../server/dist/external/llm/types').PredictOutcome, { kind: 'ok' }>} */ (await pool.predictTrace(request(), {}, never()));
    // The same request again, with A busy on something else, is answered from the shared cache.
    const busy = pool.predictTrace(variant(9), {}, never());
    const again = /** @type {Extract<import('../../../server/dist/external/llm/types').PredictOutcome, { kind: 'ok' }>} */ (await pool.predictTrace(request(), {}, never()));
    await busy;
    assert.equal(again.cached, true);
    assert.deepEqual(again.traces, fromA.traces);
    assert.equal(a.generations().length + b.generations().length, 2);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('when every host is down the call fails with the last host\'s reason, and health says so', async () => {
  const hosts = [`http://127.0.0.1:${await closedPort()}`, `http://127.0.0.1:${await closedPort()}`];
  const pool = createHostPool({ hosts, model: MODEL });
  const outcome = await pool.predictTrace(request(), {}, never());
  assert.equal(outcome.kind, 'unavailable');
  const report = await pool.health(never());
  assert.equal(report.ok, false);
  assert.match(report.detail, /None of the 2 Ollama hosts is usable/);
});

test('a generation stream fails over to the next host before its first chunk', async () => {
  const b = await startFakeOllama({ models: { [MODEL]: models.scripted('  return 1;\n}') } });
  try {
    const pool = createHostPool({ hosts: [`http://127.0.0.1:${await closedPort()}`, b.host], model: MODEL });
    let text = '';
    for await (const chunk of pool.generateStream({ prompt: 'function f() {', raw: true }, never())) text += chunk;
    assert.equal(text, '  return 1;\n}');
    assert.equal(pool.hostStates()[0].failures, 1);
  } finally {
    await b.close();
  }
});

test('a host that does not have the model is left out like one that is down', async () => {
  const a = await startFakeOllama({ models: {} });
  const b = await startFakeOllama({ models: { [MODEL]: models.honest(groundTruth) } });
  try {
    const pool = createHostPool({ hosts: [a.host, b.host], model: MODEL });
    assert.equal((await pool.predictTrace(request(), {}, never())).kind, 'ok');
    assert.match(pool.hostStates()[0].lastError, /not pulled/);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
