// Benchmark section: `orbit-ls check --dependencies` (install scripts, the static supply-chain
// rules and sandbox load runs of every installed package's entry and install files) on a project
// with 300 installed packages: this repository's own dependencies, copied as installed (the
// package.json and the files a package check reads), topped up with the supply-chain corpus
// under fresh names. Wall time of the whole command, on the pool's default size.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const TARGET = 300;

async function project() {
  const { installedPackages } = require(path.join(ROOT, 'server', 'dist', 'cli', 'packages'));
  const { readPackage } = require(path.join(ROOT, 'server', 'dist', 'engine', 'supply', 'package'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-deps-'));
  const nm = path.join(dir, 'node_modules');
  let count = 0;
  for (const src of await installedPackages(ROOT)) {
    if (count >= TARGET) break;
    const pkg = await readPackage(src, 2_000_000);
    const dest = path.join(nm, path.relative(path.join(ROOT, 'node_modules'), src));
    fs.mkdirSync(dest, { recursive: true });
    fs.writeFileSync(path.join(dest, 'package.json'), pkg.text);
    for (const f of pkg.files) {
      const to = path.join(dest, path.relative(src, f.path));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, f.text);
    }
    count++;
  }
  const corpus = path.join(ROOT, 'test', 'fixtures', 'supply-chain');
  const extra = ['malicious', 'benign'].flatMap((l) => fs.readdirSync(path.join(corpus, l)).map((n) => path.join(corpus, l, n)));
  for (let i = 0; count < TARGET; i++, count++) {
    fs.cpSync(extra[i % extra.length], path.join(nm, `corpus-${i}`), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "bench-project", "version": "1.0.0" }\n');
  return { dir, count };
}

async function run({ quick }) {
  const { dir, count } = await project();
  const rows = [];
  const samples = quick ? 1 : 3;
  const times = [];
  let flagged = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'check', '--dependencies', '--format', 'json', '--fail-on', 'never', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - started);
    if (r.status !== 0) throw new Error(`check --dependencies failed: ${r.stderr}`);
    flagged = new Set(JSON.parse(r.stdout).findings.map((f) => f.file.split('node_modules/')[1]?.split('/')[0])).size;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  rows.push([String(count), String(samples), `${(times[Math.floor(times.length / 2)] / 1000).toFixed(1)} s`, `${(times[times.length - 1] / 1000).toFixed(1)} s`, String(flagged)]);
  return {
    title: 'check --dependencies (300 installed packages, sandbox load runs on)',
    columns: ['packages', 'runs', 'median wall time', 'slowest', 'packages flagged'],
    rows,
    notes: 'The packages are this repository\'s installed dependencies plus copies of the supply-chain corpus (malicious and benign) under fresh names, so the flagged count is the corpus\'s malicious copies.',
  };
}

module.exports = { run };
