// Benchmark section: `orbit-ls check` wall time and peak memory (max RSS of the whole process,
// worker threads included) over a corpus of generated Express files.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { expressFile } = require('./generate');

const MAIN = path.join(__dirname, '..', '..', 'server', 'dist', 'cli', 'main.js');

function corpus(files, linesPerFile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-'));
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `service-${i % 10}`, 'routes');
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `route-${i}.${i % 4 === 0 ? 'ts' : 'js'}`), expressFile(linesPerFile));
  }
  return dir;
}

function checkOnce(dir) {
  // Runs check in a fresh process and reports that process's own max RSS on stderr at exit.
  const script = `process.on('exit', () => process.stderr.write('\\nmaxRSS=' + process.resourceUsage().maxRSS + '\\n'));
require(${JSON.stringify(MAIN)}).main(['check', '--no-cache', '--format', 'json', '--fail-on', 'never', ${JSON.stringify(dir)}]);`;
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`check failed: ${result.stderr}`);
  const summary = JSON.parse(result.stdout).summary;
  const maxRssKb = Number(/maxRSS=(\d+)/.exec(result.stderr)[1]);
  return { wallMs, maxRssKb, summary };
}

async function run({ quick }) {
  const rows = [];
  for (const [files, lines] of quick ? [[50, 300]] : [[100, 300], [500, 300]]) {
    const dir = corpus(files, lines);
    try {
      const { wallMs, maxRssKb, summary } = checkOnce(dir);
      const totalLines = files * lines;
      rows.push([
        `${files} files × ${lines} lines`,
        String(summary.findings),
        (wallMs / 1000).toFixed(2),
        Math.round(totalLines / (wallMs / 1000)).toLocaleString('en'),
        (maxRssKb / 1024).toFixed(0),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    title: '`orbit-ls check` over a generated corpus (process start included)',
    columns: ['Corpus', 'Findings', 'Wall s', 'Lines/s', 'Peak RSS MB'],
    rows,
  };
}

module.exports = { run };
