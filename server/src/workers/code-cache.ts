// Loading the TypeScript compiler from V8's code cache. Every worker thread parses with the
// TypeScript compiler (lib/typescript.js, about 9 MB of JavaScript), and compiling it is most of
// what starting a thread costs: about 0.3 s of CPU per thread, paid again by every `check` run and
// every server start. `npm run build` compiles it once, warms it on a few documents so the parser's
// functions are compiled too, and saves V8's code cache of it (dist/v8/); a worker then loads it
// from that cache in about a quarter of the time.
//
// The cache is only an accelerator. It is used only for the very file it was made from (same
// TypeScript version, size and modification time, same Node.js), and V8 itself refuses data from
// another V8 or other flags; anything missing, stale or unreadable means the ordinary `require`.
import * as fs from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';
import * as vm from 'node:vm';

/** Where `npm run build` writes the cache, beside the built code. */
export const CACHE_DIR = path.join(__dirname, '..', 'v8');

interface Stamp {
  node: string;
  typescript: string;
  size: number;
  mtimeMs: number;
}

/** How the last load went, for tests and the benchmark. */
export let typeScriptLoad: 'cache' | 'rejected' | 'require' = 'require';

function stampOf(file: string): Stamp {
  const st = fs.statSync(file);
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(file), '..', 'package.json'), 'utf8')) as { version: string };
  return { node: process.version, typescript: pkg.version, size: st.size, mtimeMs: st.mtimeMs };
}

const sameStamp = (a: Stamp, b: Stamp): boolean => a.node === b.node && a.typescript === b.typescript && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Compiles typescript.js (with `cachedData` when given) and installs it as the module every
 *  `require('typescript')` of this thread returns. */
function install(file: string, cachedData: Buffer | undefined): vm.Script {
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const dir = path.dirname(file);
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dir);
  require.cache[file] = mod;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dir);
    mod.loaded = true;
  } catch (err) {
    delete require.cache[file];
    throw err;
  }
  return script;
}

/**
 * Loads TypeScript from the build's code cache when it was made for this very file; otherwise
 * does nothing and the first `require('typescript')` loads it as usual. Never throws.
 */
export function loadTypeScriptFromCache(dir = CACHE_DIR): void {
  let file: string | undefined;
  try {
    file = require.resolve('typescript');
    if (require.cache[file]) return;
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, 'typescript.json'), 'utf8')) as Stamp;
    if (!sameStamp(stamp, stampOf(file))) return;
    const data = fs.readFileSync(path.join(dir, 'typescript.cache'));
    const script = install(file, data);
    typeScriptLoad = script.cachedDataRejected ? 'rejected' : 'cache';
  } catch {
    if (file) delete require.cache[file];
    typeScriptLoad = 'require';
  }
}

/**
 * Writes the code cache (run by `npm run build`): TypeScript compiled in this process, warmed by
 * `warm` (which should parse a few typical documents), then V8's cache of it with what was compiled.
 */
export function writeTypeScriptCache(warm: () => void, dir = CACHE_DIR): void {
  const file = require.resolve('typescript');
  if (require.cache[file]) throw new Error('writeTypeScriptCache must run before anything loads typescript');
  const script = install(file, undefined);
  warm();
  fs.mkdirSync(dir, { recursive: true });
  const data = script.createCachedData();
  fs.writeFileSync(path.join(dir, 'typescript.cache.tmp'), data);
  fs.renameSync(path.join(dir, 'typescript.cache.tmp'), path.join(dir, 'typescript.cache'));
  fs.writeFileSync(path.join(dir, 'typescript.json'), `${JSON.stringify(stampOf(file))}\n`);
}
