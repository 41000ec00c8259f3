// Differential test of check's findings cache: seeded random edit sequences over files from the
// rule fixture corpus (lines deleted, duplicated, vulnerable lines inserted, files reverted to an
// earlier version, an imported module switched between a safe and an unsafe query). After every
// edit the cached analysis of the whole tree must equal a fresh analysis, file by file. Bounded by
// the number of edits, not by time.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { analyzeFiles } = require('../../../server/dist/engine/batch.js');
const { createPool } = require('../../../server/dist/engine/pool.js');
const { findingsCache } = require('../../../server/dist/cli/cache.js');
const { resolveSettings, staticOptionsFrom } = require('../../../server/dist/config/validate.js');
const { corpus } = require('../../eval/rules');
const { prng: rng } = require('../../support/random');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'security');
const SEEDS = [1, 2];
const EDITS_PER_SEED = 12;
const FILES_PER_SEED = 6;

const ROUTES = `const express = require('express');
const { findUser } = require('./db');
const app = express();
app.get('/users', (req, res) => {
  findUser(req.query.name, (err, rows) => res.json(rows));
});
`;
const DB_UNSAFE = `const sqlite3 = require('sqlite3');
const db = new sqlite3.Database('app.db');
function findUser(name, cb) {
  db.all("SELECT * FROM users WHERE name = '" + name + "'", cb);
}
module.exports = { findUser };
`;
const DB_SAFE = DB_UNSAFE.replace(`"SELECT * FROM users WHERE name = '" + name + "'", cb`, `'SELECT * FROM users WHERE name = ?', [name], cb`);
const INSERTS = [
  "require('child_process').exec('ls ' + req.query.dir);",
  "db.query('SELECT * FROM t WHERE id = ' + req.params.id);",
  "res.send('<p>' + req.query.q + '</p>');",
  "const unused = 1;",
  "// orbit-ignore-next-line sql-injection",
];

function workspace(random) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-diff-'));
  const all = corpus(FIXTURES).map((f) => f.file).filter((f) => /\.[jt]s$/.test(f));
  const files = [];
  for (let i = 0; i < FILES_PER_SEED; i++) {
    const src = all[Math.floor(random() * all.length)];
    const dest = path.join(dir, `f${i}-${path.basename(src)}`);
    fs.copyFileSync(src, dest);
    files.push(dest);
  }
  fs.writeFileSync(path.join(dir, 'routes.js'), ROUTES);
  fs.writeFileSync(path.join(dir, 'db.js'), DB_UNSAFE);
  return { dir, files: [...files, path.join(dir, 'routes.js'), path.join(dir, 'db.js')].sort() };
}

/** One random edit; returns a line saying what it did, for the failure message. */
function edit(random, files, history) {
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const file = pick(files);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const at = Math.floor(random() * lines.length);
  const kind = Math.floor(random() * 5);
  let next;
  let what;
  if (kind === 0) {
    lines.splice(at, 1);
    next = lines.join('\n');
    what = `deleted line ${at + 1}`;
  } else if (kind === 1) {
    lines.splice(at, 0, lines[at] ?? '');
    next = lines.join('\n');
    what = `duplicated line ${at + 1}`;
  } else if (kind === 2) {
    const line = pick(INSERTS);
    lines.splice(at, 0, line);
    next = lines.join('\n');
    what = `inserted "${line}" at line ${at + 1}`;
  } else if (kind === 3 && (history.get(file) ?? []).length > 0) {
    next = pick(history.get(file));
    what = 'reverted to an earlier version';
  } else {
    const db = files.find((f) => path.basename(f) === 'db.js');
    const current = fs.readFileSync(db, 'utf8');
    history.set(db, [...(history.get(db) ?? []), current]);
    fs.writeFileSync(db, current.includes('= ?') ? DB_UNSAFE : DB_SAFE);
    return `db.js (imported by routes.js) switched to the ${current.includes('= ?') ? 'unsafe' : 'safe'} query`;
  }
  history.set(file, [...(history.get(file) ?? []), text]);
  fs.writeFileSync(file, next);
  return `${path.basename(file)}: ${what}`;
}

async function reports(files, options) {
  const out = {};
  let fromCache = 0;
  await analyzeFiles(files, {
    ...options,
    signal: new AbortController().signal,
    onFile(file) {
      if (file.cached) fromCache++;
      const r = file.report;
      out[path.basename(file.path)] = r ? { findings: r.findings, notices: r.notices, errors: r.errors } : { skipped: file.skipped };
    },
  });
  return { out, fromCache };
}

test('after every edit of a seeded random sequence, cached findings equal a fresh analysis', async () => {
  const { settings } = resolveSettings({ analysisTimeoutMs: 600000 });
  const pool = createPool({ size: 2 });
  let hits = 0;
  let runs = 0;
  try {
    for (const seed of SEEDS) {
      const random = rng(seed);
      const { files } = workspace(random);
      const cache = findingsCache({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-diff-store-')), options: staticOptionsFrom(settings) });
      const history = new Map();
      const log = [];
      for (let i = 0; i <= EDITS_PER_SEED; i++) {
        if (i > 0) log.push(edit(random, files, history));
        const cached = await reports(files, { pool, settings, cache });
        const fresh = await reports(files, { pool, settings });
        hits += cached.fromCache;
        runs += files.length;
        assert.deepEqual(cached.out, fresh.out, `seed ${seed}, after edit ${i}:\n  ${log.join('\n  ')}`);
      }
    }
  } finally {
    await pool.close();
  }
  // The sequence exercised both paths: entries reused and entries written.
  assert.ok(hits > 0 && hits < runs, `${hits} of ${runs} file reports came from the cache`);
});
