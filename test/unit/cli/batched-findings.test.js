// check hands each worker several files per task; what it reports must not depend on that. The
// whole security fixture corpus (every file check would take from it, templates included), through
// the real pool, one file per task and eight per task: the same findings, notices and errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { analyzeFiles } = require('../../../server/dist/engine/batch.js');
const { createPool } = require('../../../server/dist/engine/pool.js');
const { collectFiles } = require('../../../server/dist/cli/walk.js');
const { resolveSettings } = require('../../../server/dist/config/validate.js');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'security');

async function reports(files, pool, settings, filesPerTask) {
  const out = {};
  await analyzeFiles(files, {
    pool,
    settings,
    filesPerTask,
    signal: new AbortController().signal,
    onFile(file) {
      const r = file.report;
      out[path.relative(FIXTURES, file.path)] = r ? { findings: r.findings, notices: r.notices, errors: r.errors } : { skipped: file.skipped };
    },
  });
  return out;
}

test('the fixture corpus gives the same reports with one file per worker task and with eight', async () => {
  // A generous time-out: the comparison is about results, and a loaded machine must not turn one
  // side's file into a time-out notice.
  const { settings } = resolveSettings({ analysisTimeoutMs: 600_000 });
  const { files } = await collectFiles([FIXTURES], new AbortController().signal, { includeVendored: true });
  assert.ok(files.length > 100, `${files.length} fixture files`);
  const pool = createPool({ size: 2 });
  try {
    const alone = await reports(files, pool, settings, 1);
    const batched = await reports(files, pool, settings, 8);
    assert.equal(Object.keys(batched).length, files.length);
    assert.ok(Object.values(alone).some((r) => r.findings?.length > 0));
    assert.deepEqual(batched, alone);
  } finally {
    await pool.close();
  }
});
