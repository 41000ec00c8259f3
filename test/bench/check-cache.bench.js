// Benchmark section: `orbit-ls check` over 1,000 files three ways — cold (empty findings cache),
// re-run over the unchanged tree (every file from the cache), and --no-cache — beside the ESLint
// peer (ESLint 9 + eslint-plugin-security + @microsoft/eslint-plugin-sdl, run as in
// test/eval/eslint-peer.js) on the same files, in the same run. Each run is a fresh process.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const PEER = path.join(ROOT, 'test', 'eval', 'eslint-peer.js');
/** The corpus eval:peer scales: `n` files copied round-robin from the rule fixtures. */
const { scaledCorpus: corpus } = require('../eval/eslint-peer');

const TIME = fs.existsSync('/usr/bin/time');

/** Wall time, and CPU time (user + system, all threads) from /usr/bin/time when present: on a
 *  machine shared with other work the CPU time is the steadier of the two. */
function timed(args, cwd) {
  const started = performance.now();
  const r = TIME
    ? spawnSync('/usr/bin/time', ['-f', 'cpu=%U+%S', process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: r.stdout };
}

async function run({ quick }) {
  const n = quick ? 200 : 1000;
  const dir = corpus(n);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-findings-'));
  try {
    const check = (extra) => {
      const { ms, cpuMs, stdout } = timed([BIN, 'check', '--format', 'json', '--fail-on', 'never', ...extra, '.'], dir);
      return { ms, cpuMs, summary: JSON.parse(stdout).summary };
    };
    const cold = check(['--cache-dir', cache]);
    const rerun = check(['--cache-dir', cache]);
    const uncached = check(['--no-cache']);
    const eslint = timed([PEER, '--child', 'eslint', dir], ROOT);
    const eslintFindings = JSON.parse(eslint.stdout).findings.length;
    const row = (name, r, findings, fromCache) => [name, String(findings), String(fromCache), (r.ms / 1000).toFixed(2), (r.ms / cold.ms).toFixed(2), (r.cpuMs / 1000).toFixed(2), (r.cpuMs / cold.cpuMs).toFixed(2)];
    return {
      title: `\`orbit-ls check\` on ${n.toLocaleString('en')} files: cold, re-run from the findings cache, --no-cache, and the ESLint peer`,
      columns: ['Run', 'Findings', 'From cache', 'Wall s', 'Wall × cold check', 'CPU s', 'CPU × cold check'],
      rows: [
        row('orbit-ls check, empty cache (cold)', cold, cold.summary.findings, cold.summary.fromCache),
        row('orbit-ls check, re-run, tree unchanged', rerun, rerun.summary.findings, rerun.summary.fromCache),
        row('orbit-ls check --no-cache', uncached, uncached.summary.findings, uncached.summary.fromCache),
        row('ESLint + security + sdl plugins', eslint, eslintFindings, '–'),
      ],
      notes: 'A fresh process each, Node start-up included. CPU is user + system time of all threads (/usr/bin/time). "× cold check" is the run\'s time over the cold check\'s: for the ESLint row, the inverse of how many times faster the cold check is.',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

module.exports = { run };
