// Bounded concurrency and the queue that favours the active document, seen from the server.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { createLimiter } = require('../../../server/dist/external/llm/ollama/index.js');
const { groundTruth, request, setup, never, models } = require('./support.js');

const slowHonest = () => models.slow(models.honest(groundTruth), { delayMs: 1, firstDelayMs: 30 });
const variant = (i) => request({ inputs: [[`user${i}`, 'pw']] });
const userOf = (record) => JSON.parse(record.body.messages[1].content.match(/Inputs \(JSON[^\n]*\n(.*)/)[1])[0][0];

test('the default concurrency of 1 is respected: the server never runs two at once', async () => {
  const { fake, backend, close } = await setup(slowHonest());
  try {
    const outcomes = await Promise.all([1, 2, 3].map((i) => backend.predictTrace(variant(i), {}, never())));
    assert.deepEqual(outcomes.map((o) => o.kind), ['ok', 'ok', 'ok']);
    assert.equal(fake.maxConcurrent, 1);
  } finally {
    await close();
  }
});

test('a concurrency of 2 runs two at once and no more', async () => {
  const { fake, backend, close } = await setup(slowHonest(), { backend: { concurrency: 2 } });
  try {
    await Promise.all([1, 2, 3, 4].map((i) => backend.predictTrace(variant(i), {}, never())));
    assert.equal(fake.maxConcurrent, 2);
  } finally {
    await close();
  }
});

test('queued calls for the active document run before earlier calls for other documents', async () => {
  const { fake, backend, close } = await setup(slowHonest());
  try {
    const busy = backend.predictTrace(variant(0), { priorityKey: 'file:///a.js' }, never());
    await fake.waitFor(() => fake.generations().length === 1);
    backend.setPreferredKey('file:///active.js');
    const queued = [
      backend.predictTrace(variant(1), { priorityKey: 'file:///a.js' }, never()),
      backend.predictTrace(variant(2), { priorityKey: 'file:///b.js' }, never()),
      backend.predictTrace(variant(3), { priorityKey: 'file:///active.js' }, never()),
      backend.predictTrace(variant(4), {}, never()),
      backend.predictTrace(variant(5), { priorityKey: 'file:///active.js' }, never()),
    ];
    await Promise.all([busy, ...queued]);
    assert.deepEqual(fake.generations().map(userOf), ['user0', 'user3', 'user5', 'user1', 'user2', 'user4']);
  } finally {
    await close();
  }
});

test('a call cancelled while queued never reaches the server', async () => {
  const { fake, backend, close } = await setup(slowHonest());
  try {
    const first = backend.predictTrace(variant(1), {}, never());
    const ac = new AbortController();
    const second = backend.predictTrace(variant(2), {}, ac.signal);
    while (backend.load().waiting < 1) await new Promise((r) => setImmediate(r));
    ac.abort();
    assert.equal((await second).kind, 'cancelled');
    assert.equal((await first).kind, 'ok');
    assert.equal(fake.generations().length, 1);
  } finally {
    await close();
  }
});

test('abortAll cancels running and queued calls; the backend keeps working after', async () => {
  const { fake, backend, close } = await setup(models.slow(models.honest(groundTruth), { delayMs: 20 }));
  try {
    const pending = [1, 2].map((i) => backend.predictTrace(variant(i), {}, never()));
    await fake.waitFor(() => fake.generations().length === 1);
    backend.abortAll();
    assert.deepEqual((await Promise.all(pending)).map((o) => o.kind), ['cancelled', 'cancelled']);
    await fake.waitFor(() => fake.generations()[0].aborted);
    assert.equal(fake.generations().length, 1);
  } finally {
    await close();
  }
});

test('the limiter hands slots over first come, first served without a preferred key', async () => {
  const limiter = createLimiter(1);
  const order = [];
  const release = await limiter.acquire(undefined, never());
  const waits = ['a', 'b', 'c'].map((key) => limiter.acquire(key, never()).then((done) => (order.push(key), done())));
  release();
  await Promise.all(waits);
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.equal(limiter.active, 0);
});
