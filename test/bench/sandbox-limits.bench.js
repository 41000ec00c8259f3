// Benchmark section: the sandbox's limits under attack. Peak memory of `orbit-ls check --sandbox`
// on a file of memory bombs (max RSS of the whole process, worker threads included), and how far
// runaway code of every kind (loops of expensive operations, getters, toString, callbacks the
// stubs call back, promise jobs, buffer bombs) overruns the 1 s time limit of a run.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { traceUnit, loadSandbox } = require('../../server/dist/external/sandbox/runner.js');
const { median } = require('./stats');

const MAIN = path.join(__dirname, '..', '..', 'server', 'dist', 'cli', 'main.js');

/** Each function tries to take the worker's memory a different way. */
const MEMORY_BOMBS = `
export function typedArrays() { const a = []; for (;;) a.push(new Uint8Array(1 << 20)); }
export function oneHugeBuffer() { return new ArrayBuffer(2 ** 31 - 1).byteLength; }
export function buffers() { const a = []; for (;;) a.push(Buffer.alloc(1 << 24)); }
export function slices() { const b = new Float64Array(1 << 17); const a = []; for (;;) a.push(b.slice()); }
export function doubling() { let s = 'x'; for (;;) s += s; }
export function strings() { const a = []; for (let i = 0; ; i++) a.push('k'.repeat(4096) + i); }
export function objects() { const a = []; for (;;) a.push({ a: [1, 2, 3], b: { c: 'd' } }); }
export function bigArray() { return new Array(2 ** 28).fill(0).length; }
export function handler(req, res) { const keep = []; for (const k of Object.keys(req.body)) keep.push(new Uint8Array(req.body[k] * 1e6)); res.json(keep.length); }
`;

const SPIN = `let s = 'abcdefgh'.repeat(2000); for (;;) s = s.split('').reverse().join('');`;
/** [name, header (not instrumented), unit]: the unit is the function the pass would run. */
const RUNAWAYS = [
  ['plain loop', '', 'function f() { for (;;) {} }'],
  ['expensive operations', '', `function f() { ${SPIN} }`],
  ['getter', `const o = { get x() { ${SPIN} } };`, 'function f() { return o.x; }'],
  ['toString', `const o = { toString() { ${SPIN} } };`, "function f() { return 'v=' + o; }"],
  ['toJSON', `const o = { toJSON() { ${SPIN} } };`, 'function f() { return JSON.stringify(o); }'],
  ['file-read callback', `function done() { ${SPIN} }`, "function f() { require('fs').readFile('/x', done); }"],
  ['timer callback', `function tick() { ${SPIN} }`, 'function f() { setTimeout(tick, 5); }'],
  ['promise job', `function job() { ${SPIN} }`, 'async function f() { await null; job(); }'],
  ['catch-all retry', '', 'function f() { for (;;) { try { for (;;) {} } catch (e) {} } }'],
  ['buffer bomb', '', 'function f() { const a = []; for (;;) a.push(new Uint8Array(1 << 20)); }'],
];
/** Not runaway any more (the trace is written without calling it), but it used to stall a run. */
const POISON = ['prototype toJSON', '', 'function f() { Object.prototype.toJSON = function () { for (;;) {} }; return {}; }'];

function checkSandbox(file) {
  const script = `process.on('exit', () => process.stderr.write('\\nmaxRSS=' + process.resourceUsage().maxRSS + '\\n'));
require(${JSON.stringify(MAIN)}).main(['check', '--sandbox', '--format', 'json', '--fail-on', 'never', ${JSON.stringify(file)}]);`;
  const started = performance.now();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`check --sandbox failed: ${r.stderr}`);
  return { wallMs: performance.now() - started, maxRssMb: Number(/maxRSS=(\d+)/.exec(r.stderr)[1]) / 1024, summary: JSON.parse(r.stdout).summary };
}

/** @param {{ quick?: boolean }} [options] */
async function run({ quick } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-bench-bombs-'));
  const file = path.join(dir, 'bombs.js');
  fs.writeFileSync(file, MEMORY_BOMBS);
  const bombs = checkSandbox(file);
  fs.rmSync(dir, { recursive: true, force: true });

  await loadSandbox();
  const timeMs = 1000;
  const rounds = quick ? 1 : 3;
  const overruns = [];
  let worst = { name: '', ratio: 0 };
  for (let i = 0; i < rounds; i++) {
    for (const [name, header, unit] of [...RUNAWAYS, POISON]) {
      const program = header ? `${header}\n${unit}` : unit;
      const options = header ? { unitStart: header.length + 1, unitEnd: program.length, entry: 'f' } : {};
      const started = performance.now();
      const t = await traceUnit(program, [], { timeMs, instructions: 1e12 }, options);
      const ratio = (performance.now() - started) / timeMs;
      if (t.outcome.kind !== 'limit' && name !== POISON[0]) throw new Error(`${name} ended with ${JSON.stringify(t.outcome)}`);
      overruns.push(ratio);
      if (ratio > worst.ratio) worst = { name, ratio };
    }
  }
  const x = (r) => `${r.toFixed(2)}×`;
  return {
    title: 'Sandbox limits under attack',
    columns: ['measure', 'value', 'aim'],
    rows: [
      [`check --sandbox on ${MEMORY_BOMBS.trim().split('\n').length} memory-bomb functions: peak RSS`, `${Math.round(bombs.maxRssMb)} MB`, '≤ 700 MB'],
      ['check --sandbox on the memory bombs: wall time', `${(bombs.wallMs / 1000).toFixed(1)} s`, ''],
      [`runaway code, ${RUNAWAYS.length + 1} kinds × ${rounds}: run time / time limit (1 s), median`, x(median(overruns)), ''],
      [`runaway code: worst (${worst.name})`, x(worst.ratio), '≤ 2×'],
    ],
    notes: 'Run time includes starting the run and writing its trace. Buffer memory is charged against the run\'s memory limit, and a worker whose WebAssembly memory grew past 96 MiB loads a fresh engine for its next run.',
  };
}

module.exports = { run };
