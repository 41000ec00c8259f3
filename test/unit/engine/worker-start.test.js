// What starting a worker thread costs: the TypeScript compiler comes from the code cache `npm run
// build` writes (server/dist/v8/), used only for the very file it was made from (anything stale or
// broken falls back to the ordinary require, with TypeScript working the same either way), and a
// task's code is loaded on its first call, so a thread that only runs the static pass never loads
// the sandbox.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const DIST = path.join(__dirname, '..', '..', '..', 'server', 'dist');
const BUILT = path.join(DIST, 'v8');

/** In a fresh process: load TypeScript through the cache in `dir`, then parse with it. */
function load(dir) {
  const script = `
const cc = require(${JSON.stringify(path.join(DIST, 'workers', 'code-cache.js'))});
cc.loadTypeScriptFromCache(${JSON.stringify(dir)});
const ts = require('typescript');
const sf = ts.createSourceFile('a.ts', 'const x: number = f(1);', ts.ScriptTarget.Latest, true);
process.stdout.write(JSON.stringify({ how: cc.typeScriptLoad, statements: sf.statements.length, same: require('typescript') === ts }));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: DIST, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function copyOfBuilt(change) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-code-cache-'));
  for (const f of fs.readdirSync(BUILT)) fs.copyFileSync(path.join(BUILT, f), path.join(dir, f));
  change(dir);
  return dir;
}

test('the build writes a code cache that TypeScript is loaded from', () => {
  assert.ok(fs.existsSync(path.join(BUILT, 'typescript.cache')), 'npm run build wrote dist/v8/typescript.cache');
  assert.deepEqual(load(BUILT), { how: 'cache', statements: 1, same: true });
});

test('a damaged cache is refused by V8 and TypeScript still works', () => {
  const dir = copyOfBuilt((d) => {
    const f = path.join(d, 'typescript.cache');
    const bytes = fs.readFileSync(f);
    for (let i = 0; i < bytes.length; i += 7) bytes[i] ^= 0x5a;
    fs.writeFileSync(f, bytes);
  });
  try {
    assert.deepEqual(load(dir), { how: 'rejected', statements: 1, same: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache made for another TypeScript file, or none at all, means the ordinary require', () => {
  const other = copyOfBuilt((d) => {
    const f = path.join(d, 'typescript.json');
    fs.writeFileSync(f, JSON.stringify({ ...JSON.parse(fs.readFileSync(f, 'utf8')), size: 1 }));
  });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-code-cache-'));
  try {
    assert.deepEqual(load(other), { how: 'require', statements: 1, same: true });
    assert.deepEqual(load(empty), { how: 'require', statements: 1, same: true });
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a thread that only runs the static pass loads neither the sandbox nor QuickJS; a sandbox task still loads them', async () => {
  const { createPool } = require(path.join(DIST, 'engine', 'pool.js'));
  // The real worker, plus one task that lists the modules its thread has loaded.
  const probe = path.join(os.tmpdir(), `orbit-probe-worker-${process.pid}.js`);
  fs.writeFileSync(probe, `module.exports = { ...require(${JSON.stringify(path.join(DIST, 'workers', 'worker.js'))}), loaded: () => Object.keys(require.cache) };\n`);
  const pool = createPool({ size: 1, filename: probe });
  const run = (name, input) => pool.run(name, input, { signal: new AbortController().signal, timeoutMs: 120_000 });
  try {
    const text = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send(req.query.q));\n";
    const analysed = await run('analyzeStatic', { document: { fileName: 'app.js', text, language: 'js' }, options: { rules: {}, extraSources: [], maxFileSize: 1e6 } });
    assert.equal(analysed.kind, 'done');
    assert.ok(analysed.value.findings.length > 0);
    const before = (await run('loaded', {})).value;
    assert.ok(before.some((m) => m.includes(`${path.sep}core${path.sep}static-analysis.js`)));
    assert.deepEqual(before.filter((m) => /external[\\/]sandbox|quickjs/.test(m)), []);
    // The sandbox runs on the other lane's thread, which loads it on this first call.
    const sandboxed = await run('sandbox', { fileName: 'app.js', text, maxUnits: 1, budgetMs: 60_000 });
    assert.equal(sandboxed.kind, 'done');
    assert.ok(sandboxed.value.unitsTraced + sandboxed.value.unitsCached > 0);
  } finally {
    await pool.close();
    fs.rmSync(probe, { force: true });
  }
});
