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
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'security');

/** `n` files copied round-robin from the rule fixtures (the corpus eval:peer scales too). */
function corpus(n) {
  const { corpus: fixtures } = require('../eval/rules');
  const files = fixtures(FIXTURES).map((f) => f.file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-cache-'));
  for (let i = 0; i < n; i++) {
    const src = files[i % files.length];
    const dest = path.join(dir, `copy-${Math.floor(i / files.length)}`, path.relative(FIXTURES, src));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
  }
  return dir;
}

function timed(args, cwd) {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

async function run({ quick }) {
  const n = quick ? 200 : 1000;
  const dir = corpus(n);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-findings-'));
  try {
    const check = (extra) => {
      const { ms, stdout } = timed([BIN, 'check', '--format', 'json', '--fail-on', 'never', ...extra, '.'], dir);
      return { ms, summary: JSON.parse(stdout).summary };
    };
    const cold = check(['--cache-dir', cache]);
    const rerun = check(['--cache-dir', cache]);
    const uncached = check(['--no-cache']);
    const eslint = timed([PEER, '--child', 'eslint', dir], ROOT);
    const eslintFindings = JSON.parse(eslint.stdout).findings.length;
    const row = (name, r, findings, fromCache) => [name, String(findings), String(fromCache), (r.ms / 1000).toFixed(2), (r.ms / cold.ms).toFixed(2), (cold.ms / r.ms).toFixed(2)];
    return {
      title: `\`orbit-ls check\` on ${n.toLocaleString('en')} files: cold, re-run from the findings cache, --no-cache, and the ESLint peer`,
      columns: ['Run', 'Findings', 'From cache', 'Wall s', '× cold check', 'cold check ×'],
      rows: [
        row('orbit-ls check, empty cache (cold)', cold, cold.summary.findings, cold.summary.fromCache),
        row('orbit-ls check, re-run, tree unchanged', rerun, rerun.summary.findings, rerun.summary.fromCache),
        row('orbit-ls check --no-cache', uncached, uncached.summary.findings, uncached.summary.fromCache),
        row('ESLint + security + sdl plugins', eslint, eslintFindings, '–'),
      ],
      notes: 'Wall time of a fresh process each, Node start-up included; "× cold check" is the run\'s wall time over the cold check\'s, "cold check ×" the inverse (the cold check\'s share of the run).',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

module.exports = { run };
