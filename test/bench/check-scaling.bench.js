// Benchmark section: how a cold `orbit-ls check --no-cache` scales with the worker pool: the same
// 1,000 generated files with orbit.pool.size 1, 2, … up to the machine's cores (check's default).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { expressFile } = require('./generate');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');
const TIME = fs.existsSync('/usr/bin/time');

async function run({ quick }) {
  const files = quick ? 200 : 1000;
  const lines = 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-scaling-'));
  try {
    for (let i = 0; i < files; i++) {
      const sub = path.join(dir, `service-${i % 10}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, `route-${i}.js`), expressFile(lines));
    }
    const cores = os.availableParallelism();
    const sizes = [...new Set([1, 2, 4, cores].filter((s) => s <= cores))].sort((a, b) => a - b);
    const rows = [];
    let single;
    for (const size of sizes) {
      const config = path.join(dir, `pool-${size}.json`);
      fs.writeFileSync(config, JSON.stringify({ pool: { size } }));
      const args = [BIN, 'check', '--no-cache', '--config', config, '--format', 'json', '--fail-on', 'never', '.'];
      const started = performance.now();
      // CPU time (user + system, all threads) from /usr/bin/time when present: on a shared machine
      // it says what the threads cost even when wall time says mostly how busy the machine was.
      const r = TIME
        ? spawnSync('/usr/bin/time', ['-f', 'cpu=%U+%S', process.execPath, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 })
        : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      const ms = performance.now() - started;
      if (r.status !== 0) throw new Error(`check failed: ${r.stderr}`);
      const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
      const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
      single ??= ms;
      rows.push([String(size), String(JSON.parse(r.stdout).summary.findings), (ms / 1000).toFixed(2), (single / ms).toFixed(2), cpuS.toFixed(2)]);
    }
    return {
      title: `Cold \`orbit-ls check --no-cache\` by pool size (${files.toLocaleString('en')} files × ${lines} lines, ${cores} cores)`,
      columns: ['orbit.pool.size', 'Findings', 'Wall s', 'Speed-up over 1 thread', 'CPU s'],
      rows,
      notes: `check's default is one thread per core (${cores} here); the server keeps one core for the editor.`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
