// The answer cache: keys, the disk copy that survives a restart, its size cap and bad files.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { cacheKey, createAnswerCache } = require('../../../server/dist/external/llm/ollama/index.js');
const { groundTruth, request, setup, never, models } = require('./support.js');

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-ollama-cache-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('cache keys ignore property order and differ for any other difference', () => {
  assert.equal(cacheKey({ model: 'm', options: { seed: 1, temperature: 0 } }), cacheKey({ options: { temperature: 0, seed: 1 }, model: 'm' }));
  assert.notEqual(cacheKey({ model: 'm', prompt: 'a' }), cacheKey({ model: 'n', prompt: 'a' }));
  assert.match(cacheKey('x'), /^[0-9a-f]{64}$/);
});

test('a prediction cached on disk is used by a new backend without a request', async (t) => {
  const dir = tempDir(t);
  const first = await setup(models.honest(groundTruth), { backend: { cacheDir: dir } });
  try {
    assert.equal((await first.backend.predictTrace(request(), {}, never())).kind, 'ok');
  } finally {
    await first.close();
  }
  const second = await setup(models.honest(groundTruth), { backend: { cacheDir: dir } });
  try {
    const outcome = await second.backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'ok');
    assert.equal(outcome.cached, true);
    assert.equal(second.fake.generations().length, 0);
  } finally {
    await second.close();
  }
});

test('another model or seed is another cache entry', async () => {
  const { fake, backend, close } = await setup(models.honest(groundTruth));
  try {
    await backend.predictTrace(request(), {}, never());
    await backend.predictTrace(request(), { seed: 7 }, never());
    await backend.predictTrace(request(), { bypassCache: true }, never());
    assert.equal(fake.generations().length, 3);
  } finally {
    await close();
  }
});

test('the disk cache stays under its size cap by dropping the least recently used entries', async (t) => {
  const dir = tempDir(t);
  const entry = (i) => [{ payload: 'x'.repeat(900), i }];
  const cache = createAnswerCache({ memoryEntries: 0, dir, maxDiskBytes: 4000 });
  for (let i = 0; i < 3; i++) await cache.set(cacheKey(i), entry(i), never());
  assert.ok(await cache.get(cacheKey(0), never()), 'entry 0 read, so it is recent again');
  for (let i = 3; i < 6; i++) await cache.set(cacheKey(i), entry(i), never());
  const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  assert.ok(bytes <= 4000, `disk holds ${bytes} bytes`);
  assert.equal(await cache.diskBytes(never()), bytes);
  assert.ok(await cache.get(cacheKey(0), never()), 'recently used entry kept');
  assert.equal(await cache.get(cacheKey(1), never()), undefined, 'least recently used entry dropped');
  assert.ok(await cache.get(cacheKey(5), never()));

  // A new process sees the same files and the same total.
  const reopened = createAnswerCache({ memoryEntries: 0, dir, maxDiskBytes: 4000 });
  assert.equal(await reopened.diskBytes(never()), bytes);
  assert.deepEqual(await reopened.get(cacheKey(5), never()), entry(5));
});

test('an unreadable or rejected cache file is a miss and is removed', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, `${cacheKey('a')}.json`), '{"half');
  fs.writeFileSync(path.join(dir, `${cacheKey('b')}.json`), '{"not":"an array"}');
  const cache = createAnswerCache({ memoryEntries: 10, dir, maxDiskBytes: 10_000, accept: Array.isArray });
  assert.equal(await cache.get(cacheKey('a'), never()), undefined);
  assert.equal(await cache.get(cacheKey('b'), never()), undefined);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a cache directory that cannot be written does not cost the answer', async (t) => {
  const file = path.join(tempDir(t), 'not-a-directory');
  fs.writeFileSync(file, '');
  const { backend, close } = await setup(models.honest(groundTruth), { backend: { cacheDir: file } });
  try {
    assert.equal((await backend.predictTrace(request(), {}, never())).kind, 'ok');
  } finally {
    await close();
  }
});
