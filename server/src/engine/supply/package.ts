// Reading an installed or local npm package for the package check: its package.json, its main
// entry, and the node files its lifecycle scripts run; then the `checkPackage` pool task.
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { checkInstallScripts, LIFECYCLE } from '../../core/supply/install-scripts';
import type { AnalysisPool } from '../pool';
import type { CheckPackageInput, CheckPackageResult, PackageFile } from '../../workers/contracts';

export interface PackageCheckOptions {
  sandbox: boolean;
  staticRules: boolean;
  signal: AbortSignal;
  maxFileSize: number;
  timeMs?: number;
}

export type PackageOutcome = { kind: 'done'; dir: string; result: CheckPackageResult } | { kind: 'failed'; dir: string; message: string } | { kind: 'cancelled' };

/** Whether `dir` is a package (holds a package.json). */
export async function isPackageDir(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, 'package.json')).catch(() => undefined))?.isFile() === true;
}

/** The files of a package that run at install or load, read and labelled. */
export async function readPackage(dir: string, maxFileSize: number): Promise<CheckPackageInput['packageJson'] & { files: PackageFile[] }> {
  const pkgPath = path.join(dir, 'package.json');
  const text = await readFile(pkgPath, 'utf8');
  const scripts = checkInstallScripts(text);
  const files: PackageFile[] = [];
  const add = async (rel: string, when: string): Promise<void> => {
    const file = await resolveFile(dir, rel);
    if (!file || files.some((f) => f.path === file)) return;
    const info = await stat(file).catch(() => undefined);
    if (!info || info.size / 4 > maxFileSize) return;
    files.push({ path: file, text: await readFile(file, 'utf8'), when });
  };
  await add(scripts.main, 'loaded');
  let hooks: Record<string, unknown> = {};
  try {
    hooks = ((JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {}) as Record<string, unknown>;
  } catch {
    hooks = {};
  }
  for (const hook of LIFECYCLE) {
    const command = hooks[hook];
    if (typeof command !== 'string') continue;
    for (const f of scripts.files) if (command.includes(f)) await add(f, `run by the ${hook} script`);
  }
  return { path: pkgPath, text, files };
}

/** Node's resolution of a main entry: the file, then with .js/.cjs/.mjs, then its index.js. */
async function resolveFile(dir: string, rel: string): Promise<string | undefined> {
  const base = path.resolve(dir, rel);
  if (!base.startsWith(path.resolve(dir))) return undefined;
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, path.join(base, 'index.js')]) {
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

/** Checks one package in the pool; never throws. */
export async function checkPackageDir(pool: AnalysisPool, dir: string, options: PackageCheckOptions): Promise<PackageOutcome> {
  let pkg: Awaited<ReturnType<typeof readPackage>>;
  try {
    pkg = await readPackage(dir, options.maxFileSize);
  } catch (err) {
    return { kind: 'failed', dir, message: `could not read ${path.join(dir, 'package.json')}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const input: CheckPackageInput = { packageJson: { path: pkg.path, text: pkg.text }, files: pkg.files, sandbox: options.sandbox, staticRules: options.staticRules, timeMs: options.timeMs };
  const timeoutMs = 10_000 + pkg.files.length * 5 * (options.timeMs ?? 1500);
  const outcome = await pool.run('checkPackage', input, { signal: options.signal, timeoutMs });
  switch (outcome.kind) {
    case 'cancelled':
      return outcome;
    case 'failed':
      return { kind: 'failed', dir, message: outcome.reason === 'timeout' ? `the package check took longer than ${timeoutMs} ms and was stopped` : outcome.message };
    case 'done':
      return { kind: 'done', dir, result: outcome.value };
  }
}
