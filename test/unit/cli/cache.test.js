// `check`'s findings cache: a re-run over an unchanged tree reuses every file's findings and reports
// exactly what a fresh run reports; a changed file, a changed import or changed settings mean
// analysing again; --no-cache writes nothing; corrupt entries, entries of another version or build,
// an unwritable cache and concurrent runs never change the report.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn } = require('../../support/run-check');
const { findingsCache, findingsCacheDir } = require('../../../server/dist/cli/cache.js');
const { checkPoolSize } = require('../../../server/dist/cli/cores.js');
const { resolveSettings, staticOptionsFrom } = require('../../../server/dist/config/validate.js');

const BIN = path.join(__dirname, '..', '..', '..', 'server', 'bin', 'orbit-ls.js');

const ROUTES = `const express = require('express');
const { findUser } = require('./db');

const app = express();
app.get('/users', (req, res) => {
  findUser(req.query.name, (err, rows) => res.json(rows));
});
app.get('/run', (req, res) => {
  require('child_process').exec('ls ' + req.query.dir, (e, out) => res.send(out));
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
const CLEAN = `function add(a, b) { return a + b; }\nmodule.exports = { add };\n`;

function tree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-tree-'));
  fs.writeFileSync(path.join(dir, 'routes.js'), ROUTES);
  fs.writeFileSync(path.join(dir, 'db.js'), DB_UNSAFE);
  fs.writeFileSync(path.join(dir, 'math.js'), CLEAN);
  return dir;
}
// A loaded machine must not turn a slow file into a time-out notice that differs between runs.
const PATIENT = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-config-')), 'orbit.json');
fs.writeFileSync(PATIENT, JSON.stringify({ analysisTimeoutMs: 600000 }));
const cacheDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-')), 'findings');

/** check in-process inside `cwd` with JSON output; returns the exit code, the parsed report and stderr. */
async function check(cwd, args) {
  const config = args.includes('--config') ? [] : ['--config', PATIENT];
  const { code, out, err } = await checkIn(cwd, ['--format', 'json', '--fail-on', 'never', ...config, ...args, '.']);
  return { code, report: JSON.parse(out), err };
}

/** The report without what may differ between equal runs (time) or says where findings came from. */
function findingsOf(report) {
  return { findings: report.findings, filesChecked: report.summary.filesChecked, bySeverity: report.summary.bySeverity };
}

/** The findings entries (the index's module summaries live in index/, see summaryEntries). */
function entries(dir) {
  return files(dir).filter((f) => !f.startsWith(path.join(dir, 'index') + path.sep));
}

function summaryEntries(dir) {
  return files(path.join(dir, 'index'));
}

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

const ruleIdsIn = (report, file) => report.findings.filter((f) => f.file === file).map((f) => f.ruleId).sort();

test('a re-run over an unchanged tree takes every file from the cache and reports exactly what a fresh run does', async () => {
  const dir = tree();
  const cache = cacheDir();
  const fresh = await check(dir, ['--no-cache']);
  const first = await check(dir, ['--cache-dir', cache]);
  const second = await check(dir, ['--cache-dir', cache]);
  assert.equal(first.report.summary.fromCache, 0);
  assert.equal(second.report.summary.fromCache, 3);
  assert.deepEqual(findingsOf(first.report), findingsOf(fresh.report));
  assert.deepEqual(findingsOf(second.report), findingsOf(fresh.report));
  assert.deepEqual(ruleIdsIn(second.report, 'routes.js'), ['command-injection', 'sql-injection']);
  assert.equal(entries(cache).length, 3);
});

test('a re-run summarises no module for the index again; a changed module, and only it, is summarised afresh', async () => {
  const dir = tree();
  const cache = cacheDir();
  const first = await check(dir, ['--cache-dir', cache]);
  const kept = summaryEntries(cache);
  // routes.js sets up the app and db.js is imported; math.js is neither, so the index skips it.
  assert.equal(kept.length, 2);
  // An hour old: a re-run that reads an entry leaves its time alone (it refreshes after a day), one that summarised again would rewrite it.
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const f of kept) fs.utimesSync(f, hourAgo, hourAgo);
  const second = await check(dir, ['--cache-dir', cache]);
  assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
  assert.deepEqual(summaryEntries(cache).filter((f) => fs.statSync(f).mtimeMs > hourAgo.getTime() + 1000), [], 'a summary was computed again');
  fs.appendFileSync(path.join(dir, 'routes.js'), '\n// changed\n');
  await check(dir, ['--cache-dir', cache]);
  assert.equal(summaryEntries(cache).length, kept.length + 1, 'the changed module got a new summary, no other did');
  assert.equal(summaryEntries(cache).filter((f) => fs.statSync(f).mtimeMs > hourAgo.getTime() + 1000).length, 1);
});

test('--no-cache analyses every file and writes nothing', async () => {
  const dir = tree();
  const cache = cacheDir();
  const r = await check(dir, ['--no-cache', '--cache-dir', cache]);
  assert.equal(r.report.summary.fromCache, 0);
  assert.equal(fs.existsSync(cache), false);
});

test('a changed file is analysed again and its new findings reported; the others come from the cache', async () => {
  const dir = tree();
  const cache = cacheDir();
  await check(dir, ['--cache-dir', cache]);
  fs.writeFileSync(path.join(dir, 'math.js'), `${CLEAN}const { exec } = require('child_process');\nrequire('express')().get('/x', (req) => exec(req.query.cmd));\n`);
  const r = await check(dir, ['--cache-dir', cache]);
  assert.equal(r.report.summary.fromCache, 2);
  assert.deepEqual(ruleIdsIn(r.report, 'math.js'), ['command-injection']);
});

test('a file whose imported module changed is analysed again, though its own text did not change', async () => {
  const dir = tree();
  const cache = cacheDir();
  const before = await check(dir, ['--cache-dir', cache]);
  assert.deepEqual(ruleIdsIn(before.report, 'routes.js'), ['command-injection', 'sql-injection']);
  fs.writeFileSync(path.join(dir, 'db.js'), DB_SAFE);
  const after = await check(dir, ['--cache-dir', cache]);
  assert.equal(after.report.summary.fromCache, 1, 'only math.js is unchanged with unchanged imports');
  assert.deepEqual(ruleIdsIn(after.report, 'routes.js'), ['command-injection'], 'the SQL flow into db.js is gone');
  assert.deepEqual(findingsOf(after.report), findingsOf((await check(dir, ['--no-cache'])).report));
});

test('changed settings are a different key: a rule turned off is not answered from the cache', async () => {
  const dir = tree();
  const cache = cacheDir();
  await check(dir, ['--cache-dir', cache]);
  const config = path.join(dir, '..', `${path.basename(dir)}-settings.json`);
  fs.writeFileSync(config, JSON.stringify({ analysisTimeoutMs: 600000, rules: { 'command-injection': 'off' } }));
  const r = await check(dir, ['--cache-dir', cache, '--config', config]);
  assert.equal(r.report.summary.fromCache, 0);
  assert.deepEqual(ruleIdsIn(r.report, 'routes.js'), ['sql-injection']);
});

test('corrupt entries are ignored and rewritten', async () => {
  const dir = tree();
  const cache = cacheDir();
  const fresh = await check(dir, ['--cache-dir', cache]);
  const files = entries(cache);
  const garbage = ['', '{"format":1,"version":', 'not json at all', '{"format":1}', 'null'];
  files.forEach((f, i) => fs.writeFileSync(f, garbage[i % garbage.length]));
  const r = await check(dir, ['--cache-dir', cache]);
  assert.equal(r.report.summary.fromCache, 0);
  assert.deepEqual(findingsOf(r.report), findingsOf(fresh.report));
  for (const f of files) assert.equal(JSON.parse(fs.readFileSync(f, 'utf8')).format, 1, `${f} was rewritten`);
  assert.equal((await check(dir, ['--cache-dir', cache])).report.summary.fromCache, 3);
});

test('an entry written by another orbit-ls version or build is never trusted', async () => {
  const dir = tree();
  const cache = cacheDir();
  const fresh = await check(dir, ['--cache-dir', cache]);
  // Entries claiming another version, with their findings emptied: trusting them would hide findings.
  for (const f of entries(cache)) {
    const entry = JSON.parse(fs.readFileSync(f, 'utf8'));
    fs.writeFileSync(f, JSON.stringify({ ...entry, version: '0.0.1-other', report: { ...entry.report, findings: [] } }));
  }
  const r = await check(dir, ['--cache-dir', cache]);
  assert.equal(r.report.summary.fromCache, 0);
  assert.deepEqual(findingsOf(r.report), findingsOf(fresh.report));

  // Through the module: what one version or build stored, another does not find.
  const options = staticOptionsFrom(resolveSettings().settings);
  const shared = cacheDir();
  /** @type {import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */
  const doc = { uri: path.join(dir, 'math.js'), version: 0, text: CLEAN, language: 'js' };
  /** @type {any} a report reduced to what the cache keeps and gives back */
  const report = { uri: doc.uri, version: 0, findings: [{ ruleId: 'x' }], notices: [], errors: [], elapsedMs: 1 };
  await (await findingsCache({ dir: shared, options, version: '1.0.0', fingerprint: 'a' }).lookup(doc)).store(report);
  assert.deepEqual((await findingsCache({ dir: shared, options, version: '1.0.0', fingerprint: 'a' }).lookup(doc)).report.findings, [{ ruleId: 'x' }]);
  assert.equal((await findingsCache({ dir: shared, options, version: '1.0.1', fingerprint: 'a' }).lookup(doc)).report, undefined);
  assert.equal((await findingsCache({ dir: shared, options, version: '1.0.0', fingerprint: 'b' }).lookup(doc)).report, undefined);
});

test('a report that could not finish is never kept', async () => {
  const options = staticOptionsFrom(resolveSettings().settings);
  const dir = cacheDir();
  /** @type {import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */
  const doc = { uri: '/nowhere/a.js', version: 0, text: CLEAN, language: 'js' };
  const cache = findingsCache({ dir, options, version: '1', fingerprint: 'f' });
  await (await cache.lookup(doc)).store({ uri: doc.uri, version: 0, findings: [], notices: [{ message: 'orbit-ls could not finish analysing this file: analysis took longer than 100 ms' }], errors: [], elapsedMs: 100 });
  assert.equal((await cache.lookup(doc)).report, undefined);
  assert.deepEqual(entries(dir), []);
});

test('concurrent runs sharing one cache all report the same findings and leave only whole entries', async () => {
  const dir = tree();
  for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `copy-${i}.js`), ROUTES.replace('/users', `/users-${i}`));
  const cache = cacheDir();
  const expected = findingsOf((await check(dir, ['--no-cache'])).report);
  const runOnce = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'check', '--format', 'json', '--fail-on', 'never', '--config', PATIENT, '--cache-dir', cache, '.'], { cwd: dir });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`))));
    });
  const reports = await Promise.all([runOnce(), runOnce(), runOnce()]);
  for (const r of reports) assert.deepEqual(findingsOf(r), expected);
  const files = entries(cache);
  assert.equal(files.filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary file is left behind');
  assert.equal(files.length, 15);
  for (const f of files) JSON.parse(fs.readFileSync(f, 'utf8'));
  const again = await check(dir, ['--cache-dir', cache]);
  assert.equal(again.report.summary.fromCache, 15);
  assert.deepEqual(findingsOf(again.report), expected);
});

test('an unwritable cache is reported once and the run goes on with the same findings', async () => {
  const dir = tree();
  const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cache-')), 'a-file');
  fs.writeFileSync(blocker, 'not a directory');
  const r = await check(dir, ['--cache-dir', blocker]);
  assert.deepEqual(findingsOf(r.report), findingsOf((await check(dir, ['--no-cache'])).report));
  const warnings = r.err.split('\n').filter((l) => l.includes('could not write the findings cache'));
  assert.equal(warnings.length, 1, r.err);
  assert.match(warnings[0], /--no-cache/);
});

test('the cache lives in --cache-dir, else ORBIT_LS_CACHE_DIR, else $XDG_CACHE_HOME/orbit-ls, else ~/.cache/orbit-ls', () => {
  assert.equal(findingsCacheDir('/tmp/x', { ORBIT_LS_CACHE_DIR: '/tmp/y', XDG_CACHE_HOME: '/tmp/z' }), '/tmp/x');
  assert.equal(findingsCacheDir(undefined, { ORBIT_LS_CACHE_DIR: '/tmp/y', XDG_CACHE_HOME: '/tmp/z' }), '/tmp/y');
  assert.equal(findingsCacheDir(undefined, { XDG_CACHE_HOME: '/tmp/z' }), '/tmp/z/orbit-ls/findings');
  assert.equal(findingsCacheDir(undefined, {}), path.join(os.homedir(), '.cache', 'orbit-ls', 'findings'));
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  assert.equal(findingsCacheDir(undefined, { XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'orbit-ls', 'findings'));
});

test('check runs a thread per core unless orbit.pool.size is set in the --config file', () => {
  const { settings } = resolveSettings({ pool: { size: 3 } });
  assert.equal(checkPoolSize(resolveSettings().settings, undefined, 8), 8);
  assert.equal(checkPoolSize(resolveSettings().settings, { rules: {} }, 2), 2);
  assert.equal(checkPoolSize(settings, { pool: { size: 3 } }, 8), 3);
  assert.equal(checkPoolSize(settings, { orbit: { pool: { size: 3 } } }, 8), 3);
});

test('check --help documents --no-cache and --cache-dir, and check accepts both', async () => {
  const { CHECK_HELP } = require('../../../server/dist/cli/help.js');
  assert.match(CHECK_HELP, /--no-cache +analyse every file again/);
  assert.match(CHECK_HELP, /--cache-dir DIR +where findings are kept/);
  const dir = tree();
  const r = await check(dir, ['--no-cache', '--cache-dir', cacheDir()]);
  assert.equal(r.code, 0);
});
