// Benchmark section: the workspace index on a generated 1,000-file Express workspace (routes that
// import services, services that import constructor-function DAOs and helpers). Measured twice:
// the index alone on a 2-thread pool (build, and the update after a save), and the real server
// over stdio with that folder as its workspace (time until the index is built, its RSS then, and
// edit → diagnostics latency on a 1,000-line file with the index in place).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const rpc = require('vscode-jsonrpc/node');
const { expressFile } = require('./generate');
const { medianAndP95 } = require('./stats');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const { createPool } = require(path.join(ROOT, 'server', 'dist', 'engine', 'pool.js'));
const { createWorkspaceIndex } = require(path.join(ROOT, 'server', 'dist', 'engine', 'workspace-index.js'));
const { createImportSource } = require(path.join(ROOT, 'server', 'dist', 'engine', 'imports.js'));

/** 1,000 files: 150 route files, 300 services, 300 DAOs, 250 helpers; every 10th DAO has an injectable query. */
function generateWorkspace(dir) {
  const write = (name, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  for (let i = 0; i < 250; i++) {
    write(`lib/util${i}.js`, [`// Helper ${i}.`, `exports.clean${i} = function (s) { return String(s).trim(); };`, `exports.join${i} = (a, b) => a + '/' + b;`, ...Array.from({ length: 30 }, (_, k) => `exports.f${k} = (x) => x * ${k};`)].join('\n'));
  }
  for (let i = 0; i < 300; i++) {
    const query = i % 10 === 0 ? "\"SELECT * FROM t WHERE name = '\" + name + \"'\"" : "'SELECT * FROM t WHERE name = ?', [name]";
    write(`dao/dao${i}.js`, [
      `const util = require('../lib/util${i % 250}');`,
      `function Dao${i}(db) {`,
      `  this.find = function (name, cb) { db.query(${query}, cb); };`,
      `  this.add = function (row, cb) { db.query('INSERT INTO t (a) VALUES (?)', [util.clean${i % 250}(row.a)], cb); };`,
      ...Array.from({ length: 20 }, (_, k) => `  this.m${k} = function (x) { return util.join${i % 250}(x, ${k}); };`),
      '}',
      `module.exports = Dao${i};`,
    ].join('\n'));
  }
  for (let i = 0; i < 300; i++) {
    write(`services/service${i}.js`, [
      `const Dao = require('../dao/dao${i}');`,
      `const Other = require('../dao/dao${(i + 1) % 300}');`,
      'const db = require("../db");',
      `const dao = new Dao(db);`,
      `const other = new Other(db);`,
      `var actions = {`,
      `  lookup: function (name, cb) { dao.find(name, cb); },`,
      `  lookupOther(name, cb) { other.find(name, cb); },`,
      ...Array.from({ length: 20 }, (_, k) => `  op${k}(x) { return dao.m${k}(x); },`),
      '};',
      'module.exports = actions;',
    ].join('\n'));
  }
  for (let i = 0; i < 150; i++) {
    const services = [0, 1].map((k) => (i * 2 + k) % 300);
    write(`routes/route${i}.js`, [
      "const express = require('express');",
      ...services.map((s) => `const s${s} = require('../services/service${s}');`),
      'const router = express.Router();',
      ...services.flatMap((s) => [`router.get('/r${i}/${s}', (req, res) => {`, `  s${s}.lookup(req.query.name, (err, rows) => res.json(rows));`, '});']),
      'module.exports = router;',
    ].join('\n'));
  }
  return 1000;
}

/** The 1,000-line route file typed into: ten service imports, then the generated app, then a handler per service. */
function typingFile() {
  const services = Array.from({ length: 10 }, (_, k) => k * 7);
  return [
    ...services.map((s) => `const service${s} = require('../services/service${s}');`),
    expressFile(1000),
    ...services.map((s) => `app.get('/svc/${s}', (req, res) => { service${s}.lookup(req.query.name, (err, rows) => res.json(rows)); });`),
  ].join('\n');
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function indexAlone(dir, quick) {
  const pool = createPool({ size: 2 });
  const signal = new AbortController().signal;
  const index = createWorkspaceIndex({
    async summarise(input, s) {
      const outcome = await pool.run('moduleSummary', input, { signal: s, timeoutMs: 60_000 });
      return outcome.kind === 'done' ? outcome.value : undefined;
    },
  });
  try {
    // The first build pays for starting threads and loading the analysis, as the server's does.
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const stats = await index.build([dir], signal);
    const build = performance.now() - t0;
    // CPU time of the whole process, worker threads included: the work, whatever else the machine runs.
    const cpu = process.cpuUsage(cpu0);
    const buildCpu = (cpu.user + cpu.system) / 1000;
    // A save that leaves the module's summary as it was, then one that changes it (its importers follow).
    const file = path.join(dir, 'dao', 'dao5.js');
    const original = fs.readFileSync(file, 'utf8');
    const same = [];
    const changed = [];
    const rounds = quick ? 5 : 20;
    const injectable = original.replace("'SELECT * FROM t WHERE name = ?', [name]", "\"SELECT * FROM t WHERE name = '\" + name + \"'\"");
    for (let i = 0; i < rounds; i++) {
      fs.writeFileSync(file, `${original}\n// saved ${i}\n`);
      let t = performance.now();
      await index.update(file, signal);
      same.push(performance.now() - t);
      // From the safe text to the injectable one (the summary changes), then back for the next round.
      fs.writeFileSync(file, injectable);
      t = performance.now();
      await index.update(file, signal);
      changed.push(performance.now() - t);
      fs.writeFileSync(file, original);
      await index.update(file, signal);
    }
    fs.writeFileSync(file, original);
    // What every edit of the typing file pays before its analysis starts: its ten imports read (each
    // file stat'ed to see whether it changed), their summaries looked up, as the server does.
    const imports = createImportSource({ openText: () => undefined, summaryOf: (f, text) => index.summaryOf(f, text) });
    const doc = { uri: pathToFileURL(path.join(dir, 'routes', 'typing.js')).href, version: 1, text: typingFile(), language: 'js' };
    const reads = [];
    for (let i = 0; i < (quick ? 20 : 100); i++) {
      const t = performance.now();
      const found = await imports.importsOf(doc, 1_000_000);
      reads.push(performance.now() - t);
      if (Object.values(found).filter((m) => m.summary).length !== 10) throw new Error('the typing file should import ten summarised services');
    }
    return { stats, build, buildCpu, same: medianAndP95(same), changed: medianAndP95(changed), reads: medianAndP95(reads) };
  } finally {
    await pool.close();
  }
}

async function server(dir, quick, withIndex = true) {
  const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  let built;
  const indexBuilt = withIndex ? new Promise((resolve) => (built = resolve)) : Promise.resolve();
  conn.onNotification('textDocument/publishDiagnostics', (p) => waiting.get(p.version)?.());
  conn.onNotification('window/logMessage', (p) => /workspace index: \d+ modules/.test(p.message) && built());
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.listen();
  const t0 = performance.now();
  await conn.sendRequest('initialize', { processId: null, rootUri: withIndex ? pathToFileURL(dir).href : null, capabilities: { workspace: { configuration: true } }, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification('initialized', {});
  await indexBuilt;
  const buildMs = performance.now() - t0;
  const rssAfterBuild = rssMb(child.pid);
  // Typing in a 1,000-line route file with the index in place; the file imports ten of the
  // workspace's services (which the index has summarised) and calls each from a handler, so every
  // edit reads, checks and hands over its imports and their summaries.
  const uri = pathToFileURL(path.join(dir, 'routes', 'typing.js')).href;
  let version = 1;
  const published = (v) => new Promise((resolve) => waiting.set(v, resolve));
  let done = published(version);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version, text: typingFile() } });
  await done;
  const times = [];
  for (let i = 0; i < (quick ? 20 : 100); i++) {
    version++;
    done = published(version);
    const t = performance.now();
    const change = i % 2 === 0
      ? { range: { start: { line: 500, character: 0 }, end: { line: 500, character: 0 } }, text: `// edit ${i}\n` }
      : { range: { start: { line: 500, character: 0 }, end: { line: 501, character: 0 } }, text: '' };
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await done;
    times.push(performance.now() - t);
  }
  const rssEnd = rssMb(child.pid);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  await new Promise((resolve) => child.on('exit', resolve));
  return { buildMs, rss: Math.max(rssAfterBuild, rssEnd), typing: medianAndP95(times) };
}

async function run({ quick }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-index-bench-'));
  try {
    const files = generateWorkspace(dir);
    const alone = await indexAlone(dir, quick);
    const srv = await server(dir, quick);
    const plain = await server(dir, quick, false);
    const ms = (x) => `${x.toFixed(0)} ms`;
    return {
      title: `Workspace index (load average ${os.loadavg()[0].toFixed(1)} at the end) on a generated ${files.toLocaleString('en')}-file workspace (pool of 2 threads)`,
      columns: ['Measure', 'Value'],
      rows: [
        ['Files indexed / summarised (imported by another file)', `${alone.stats.files} / ${alone.stats.summarised}`],
        ['Build, index alone (threads started, dependencies first): wall time', ms(alone.build)],
        ['Build, index alone: CPU time of all threads', ms(alone.buildCpu)],
        ['Update on save, summary unchanged: p50 / p95', `${ms(alone.same.median)} / ${ms(alone.same.p95)}`],
        ['Update on save, summary changed (importers re-summarised): p50 / p95', `${ms(alone.changed.median)} / ${ms(alone.changed.p95)}`],
        ['Per edit, the typing file\'s ten imports read and their summaries attached (main thread): p50 / p95', `${alone.reads.median.toFixed(1)} ms / ${alone.reads.p95.toFixed(1)} ms`],
        ['Server: initialize → index built', ms(srv.buildMs)],
        ['Server RSS (worker threads included) after build and typing', `${srv.rss.toFixed(0)} MB`],
        ['Edit → diagnostics, 1,000-line file, index built: p50 / p95', `${ms(srv.typing.median)} / ${ms(srv.typing.p95)}`],
        ['Edit → diagnostics, 1,000-line file, no workspace folder (no index), same run: p50 / p95', `${ms(plain.typing.median)} / ${ms(plain.typing.p95)}`],
      ],
      notes: `Update rounds (${quick ? 5 : 20}): a comment-only save of one DAO (its summary is unchanged, nobody else is re-summarised), and a save that makes one of its queries injectable (its summary changes, so its two service importers are re-summarised). Typing: ${quick ? 20 : 100} single-line edits in one handler of a 1,000-line route file that imports ten of the workspace's services, debounce 0, each waited for, once with the index built over the workspace and once in a server without a workspace folder (the same imports, read from disk and summarised alone).`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run, generateWorkspace };
