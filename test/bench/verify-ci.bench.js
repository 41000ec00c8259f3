// Benchmark section: `orbit-ls check --verify` as CI runs it, on a generated corpus of 1,000 small
// functions (100 files of 10), with the test Ollama answering from the sandbox (an honest simulated
// model, no generation time). Compared: one unsharded run, the same tree as two shards run at once
// (two CI jobs; on this machine they share its cores), and a re-run over unchanged functions with
// the disk cache warm. The times are orbit-ls's own work plus local HTTP; a real model adds its
// generation time per model call, which is what sharding over more machines divides.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const S = require('../unit/verify/support');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

/** Ten small functions per file, each a little different so no two share an answer. */
function corpus(dir, files) {
  for (let f = 0; f < files; f++) {
    const lines = [];
    for (let i = 0; i < 10; i++) {
      const n = f * 10 + i;
      switch (i % 5) {
        case 0:
          lines.push(`function total${n}(items) {`, '  let sum = 0;', `  for (const it of items) sum += it.price * ${(n % 7) + 1};`, '  return sum;', '}');
          break;
        case 1:
          lines.push(`function label${n}(name) {`, `  if (!name) return "anon${n}";`, '  return name.trim().toLowerCase();', '}');
          break;
        case 2:
          lines.push(`function clamp${n}(x) {`, `  if (x > ${n + 10}) return ${n + 10};`, '  if (x < 0) return 0;', '  return x;', '}');
          break;
        case 3:
          lines.push(`function pick${n}(obj, key) {`, '  const value = obj && obj[key];', `  return value === undefined ? ${n} : value;`, '}');
          break;
        default:
          lines.push(`function join${n}(parts) {`, `  return parts.filter(Boolean).join("-${n}-");`, '}');
      }
      lines.push('');
    }
    lines.push(`module.exports = { ${Array.from({ length: 10 }, (_, i) => ['total', 'label', 'clamp', 'pick', 'join'][i % 5] + (f * 10 + i)).join(', ')} };`, '');
    fs.writeFileSync(path.join(dir, `m${String(f).padStart(3, '0')}.js`), lines.join('\n'));
  }
}

function check(cwd, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'check', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      try {
        resolve({ code, ms, doc: JSON.parse(out) });
      } catch {
        reject(new Error(`check exited ${code}: ${err.slice(0, 500)}`));
      }
    });
  });
}

async function run({ quick }) {
  const files = quick ? 10 : 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-ci-'));
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  corpus(src, files);
  const fake = await S.startOllama((p) => S.models.honest(p));
  const configFor = (name) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ orbit: { pool: { size: 2 }, ollama: { host: fake.host, cacheDir: path.join(dir, `cache-${name}`) } } }));
    return file;
  };
  const rows = [];
  const row = (what, r) => {
    const v = r.doc.verification;
    rows.push([what, String(r.doc.summary.filesChecked), String(v.functionsVerified), String(v.modelCalls), `${(r.ms / 1000).toFixed(1)} s`]);
  };
  try {
    const base = ['--verify', '--jobs', '2', '--format', 'json', '--fail-on', 'never', 'src'];
    // The test model computes each answer once, in the sandbox, and then knows it: a first run
    // teaches it every answer, so the measured runs below compare orbit-ls's own work, not the
    // test model's, which a real model replaces with its generation time anyway.
    const teach = await check(dir, [...base, '--config', configFor('teach')]);
    row('first run: the test model computes its answers in the sandbox (not comparable)', teach);
    const whole = await check(dir, [...base, '--config', configFor('whole')]);
    row('unsharded, cold cache', whole);
    const shardConfig = configFor('sharded');
    const started = performance.now();
    const shards = await Promise.all([1, 2].map((i) => check(dir, [...base, '--shard', `${i}/2`, '--config', shardConfig])));
    const both = performance.now() - started;
    shards.forEach((r, i) => row(`shard ${i + 1}/2, cold cache (run at the same time as the other)`, r));
    rows.push(['both shards, until the last finished', String(shards.reduce((a, r) => a + r.doc.summary.filesChecked, 0)),
      String(shards.reduce((a, r) => a + r.doc.verification.functionsVerified, 0)), String(shards.reduce((a, r) => a + r.doc.verification.modelCalls, 0)),
      `${(both / 1000).toFixed(1)} s`]);
    const alone = await check(dir, [...base, '--shard', '1/2', '--config', configFor('alone')]);
    row('shard 1/2 alone, cold cache (one CI machine per shard)', alone);
    const rerun = await check(dir, [...base, '--config', configFor('whole')]);
    row('unsharded re-run, nothing changed (warm disk cache)', rerun);
  } finally {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `check --verify in CI: ${files * 10} generated functions, test model answering from the sandbox`,
    columns: ['run', 'files', 'functions verified', 'model calls', 'wall time'],
    rows,
    notes:
      'The test model answers each prompt after computing it once in the sandbox; the first run teaches it every answer, the later runs get them at once. ' +
      'Each run is the real CLI in a child process (`orbit-ls check --verify --jobs 2 --format json`), pool of 2 threads, on a loaded, shared 2-core machine. ' +
      'The shards split the files by a hash of their path; run at the same time here they compete for the same two cores, so the figure that matters for CI (one machine per shard) is each shard\'s own time, ' +
      'and with a real model the model calls per shard (about half each) dominate. The re-run reads every answer from the disk cache: no model calls.',
  };
}

module.exports = { run };
