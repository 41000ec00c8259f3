// `check`'s findings cache stays bounded: entries no run used for the age limit go, then the least
// recently used while the cache is over its size limit; an entry a run keeps reading is kept;
// nothing the cache did not write is touched; pruning while other runs read and write the same
// cache never changes what they report.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCheck } = require('../../../server/dist/cli/check.js');
const { checkIn } = require('../../support/run-check');
const { findingsCache } = require('../../../server/dist/cli/cache.js');
const { pruneFindingsCache, pruneIfDue, PRUNE_LIMITS } = require('../../../server/dist/cli/cache-prune.js');
const { resolveSettings, staticOptionsFrom } = require('../../../server/dist/config/validate.js');

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const ROUTE = (i) => `const express = require('express');
const app = express();
app.get('/run-${i}', (req, res) => {
  require('child_process').exec('ls ' + req.query.dir, (e, out) => res.send(out));
});
`;

const tmp = (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const key = (i) => i.toString(16).padStart(64, '0');

/** An entry-shaped file of `bytes` bytes last used `ageMs` before NOW. */
function entry(dir, i, { ageMs, bytes = 100 }) {
  const k = key(i);
  const file = path.join(dir, k.slice(0, 2), `${k}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x'.repeat(bytes));
  const t = (NOW - ageMs) / 1000;
  fs.utimesSync(file, t, t);
  return file;
}

test('entries no run used for the age limit are removed; recent ones, and files the cache did not write, are kept', async () => {
  const dir = tmp('orbit-prune-');
  const old = entry(dir, 1, { ageMs: 31 * DAY });
  const recent = entry(dir, 2, { ageMs: 29 * DAY });
  const mine = path.join(dir, 'notes.txt');
  fs.writeFileSync(mine, 'a user file in the wrong --cache-dir');
  const foreign = path.join(dir, 'src', 'app.js');
  fs.mkdirSync(path.dirname(foreign));
  fs.writeFileSync(foreign, 'old code');
  const oldTime = (NOW - 400 * DAY) / 1000;
  for (const f of [mine, foreign]) fs.utimesSync(f, oldTime, oldTime);
  const result = await pruneFindingsCache(dir, PRUNE_LIMITS, NOW);
  assert.equal(fs.existsSync(old), false);
  assert.equal(fs.existsSync(recent), true);
  assert.equal(fs.existsSync(mine), true);
  assert.equal(fs.existsSync(foreign), true);
  assert.deepEqual(result, { removed: 1, kept: 1, keptBytes: 100 });
});

test('a temporary file a crashed run left behind is removed after an hour; a live run\'s is not', async () => {
  const dir = tmp('orbit-prune-');
  const k = key(7);
  fs.mkdirSync(path.join(dir, k.slice(0, 2)));
  const abandoned = path.join(dir, k.slice(0, 2), `${k}.json.123.abcdef.tmp`);
  const live = path.join(dir, k.slice(0, 2), `${k}.json.456.fedcba.tmp`);
  fs.writeFileSync(abandoned, '{"half');
  fs.writeFileSync(live, '{"half');
  fs.utimesSync(abandoned, (NOW - 2 * 3600 * 1000) / 1000, (NOW - 2 * 3600 * 1000) / 1000);
  fs.utimesSync(live, NOW / 1000, NOW / 1000);
  await pruneFindingsCache(dir, PRUNE_LIMITS, NOW);
  assert.equal(fs.existsSync(abandoned), false);
  assert.equal(fs.existsSync(live), true);
});

test('over the size limit, the least recently used entries go first until the cache fits', async () => {
  const dir = tmp('orbit-prune-');
  const files = [5, 4, 3, 2, 1].map((days, i) => entry(dir, 100 + i, { ageMs: days * DAY, bytes: 1000 }));
  const result = await pruneFindingsCache(dir, { maxAgeMs: 30 * DAY, maxBytes: 2500 }, NOW);
  assert.deepEqual(files.map((f) => fs.existsSync(f)), [false, false, false, true, true]);
  assert.deepEqual(result, { removed: 3, kept: 2, keptBytes: 2000 });
});

test('an entry a run keeps reading is kept by age; one nobody reads goes', async () => {
  const dir = tmp('orbit-prune-');
  const options = staticOptionsFrom(resolveSettings().settings);
  const doc = (name) => /** @type {import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */ ({ uri: `/nowhere/${name}.js`, version: 0, text: `// ${name}\n`, language: 'js' });
  /** @type {any} a report reduced to what the cache keeps and gives back */
  const report = (name) => ({ uri: doc(name).uri, version: 0, findings: [], notices: [], errors: [], elapsedMs: 1 });
  let clock = NOW - 40 * DAY;
  const cache = findingsCache({ dir, options, version: '1', fingerprint: 'f', now: () => clock });
  for (const name of ['used', 'unused']) await (await cache.lookup(doc(name))).store(report(name));
  const all = () => fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json'));
  for (const f of all()) fs.utimesSync(path.join(dir, String(f)), clock / 1000, clock / 1000);
  clock = NOW - 5 * DAY;
  assert.ok((await cache.lookup(doc('used'))).report, 'the entry is found');
  clock = NOW;
  await pruneFindingsCache(dir, PRUNE_LIMITS, clock);
  assert.equal(all().length, 1);
  assert.ok((await cache.lookup(doc('used'))).report, 'the entry in use survived');
  assert.equal((await cache.lookup(doc('unused'))).report, undefined);
});

test('a run prunes at most once a day, whichever run it is', async () => {
  const dir = tmp('orbit-prune-');
  entry(dir, 1, { ageMs: 31 * DAY });
  assert.ok(await pruneIfDue(dir, { now: NOW }));
  entry(dir, 2, { ageMs: 31 * DAY });
  assert.equal(await pruneIfDue(dir, { now: NOW + 3600 * 1000 }), undefined, 'not again within the day');
  assert.equal(fs.readdirSync(path.join(dir, '00')).length, 1);
  const later = await pruneIfDue(dir, { now: NOW + DAY + 1 });
  assert.equal(later?.removed, 1);
  assert.equal(await pruneIfDue(path.join(dir, 'missing'), { now: NOW }), undefined, 'no cache yet: nothing to prune');
});

test('check removes entries no run used for 30 days and keeps its own', async () => {
  const tree = tmp('orbit-prune-tree-');
  fs.writeFileSync(path.join(tree, 'a.js'), ROUTE(1));
  const cache = path.join(tmp('orbit-prune-cache-'), 'findings');
  const stale = entry(cache, 9, { ageMs: NOW - Date.now() + 31 * DAY }); // 31 days before now
  const { out } = await checkIn(tree, ['--format', 'json', '--fail-on', 'never', '--cache-dir', cache, '.']);
  assert.equal(JSON.parse(out).summary.findings, 1);
  assert.equal(fs.existsSync(stale), false);
  const kept = fs.readdirSync(cache, { recursive: true }).filter((f) => String(f).endsWith('.json'));
  assert.equal(kept.length, 1);
});

test('pruning everything while runs read and write the same cache never changes what they report', async () => {
  const tree = tmp('orbit-prune-tree-');
  for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(tree, `r-${i}.js`), ROUTE(i));
  const cache = path.join(tmp('orbit-prune-cache-'), 'findings');
  const run = async (args) => {
    let out = '';
    const code = await runCheck(['--format', 'json', '--fail-on', 'never', ...args, '.'], { out: (t) => (out += t), err: () => undefined, color: false, progress: false }, new AbortController().signal);
    assert.equal(code, 0);
    const report = JSON.parse(out);
    return { findings: report.findings, files: report.summary.filesChecked };
  };
  const previous = process.cwd();
  process.chdir(tree);
  try {
    const expected = await run(['--no-cache']);
    await run(['--cache-dir', cache]);
    let running = true;
    let prunes = 0;
    const pruner = (async () => {
      while (running) {
        await pruneFindingsCache(cache, { maxAgeMs: PRUNE_LIMITS.maxAgeMs, maxBytes: 0 });
        prunes++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const reports = [];
    for (let i = 0; i < 3; i++) reports.push(await run(['--cache-dir', cache]));
    running = false;
    await pruner;
    assert.ok(prunes > 0);
    for (const r of reports) assert.deepEqual(r, expected);
  } finally {
    process.chdir(previous);
  }
});
