// Package checks for `check`: a package directory named on the command line (including one under
// node_modules/) gets its install scripts checked and, with --sandbox, its entry and install files
// run at the top level; `check --dependencies` does this for every installed dependency, with a
// progress bar on stderr and a summary per package.
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Settings } from '../config/schema';
import { checkPackageDir, isPackageDir } from '../engine/supply/package';
import type { AnalysisPool } from '../engine/pool';
import type { CliIO } from './io';
import { locator } from './locate';
import type { CheckReport } from './report';

export interface PackageSummary {
  name: string;
  dir: string;
  findings: number;
  rules: string[];
  failed?: string;
}

export interface PackageRunOptions {
  pool: AnalysisPool;
  settings: Settings;
  sandbox: boolean;
  /** Run the static supply-chain rules on the package's files here (the file pass does not). */
  staticRules: boolean;
  signal: AbortSignal;
  onPackage?(summary: PackageSummary): void;
}

/** The package directories among the paths given to `check`. */
export async function packageDirs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) if (await isPackageDir(path.resolve(p))) out.push(path.resolve(p));
  return out;
}

/** Installed dependencies of a project: node_modules/<name> and node_modules/@scope/<name>. */
export async function installedPackages(project: string): Promise<string[]> {
  const root = path.join(path.resolve(project), 'node_modules');
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const full = path.join(root, e.name);
    if (e.name.startsWith('@')) {
      for (const s of await readdir(full, { withFileTypes: true }).catch(() => [])) if (s.isDirectory()) out.push(path.join(full, s.name));
    } else out.push(full);
  }
  return (await Promise.all(out.map(async (d) => ((await isPackageDir(d)) ? d : undefined)))).filter((d): d is string => d !== undefined).sort();
}

/** Checks packages through the pool, two per thread in flight, adding findings to `report`. */
export async function checkPackagesInto(report: CheckReport, dirs: readonly string[], options: PackageRunOptions): Promise<PackageSummary[]> {
  const summaries: PackageSummary[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(dirs.length, options.pool.size * 2) }, async () => {
    while (next < dirs.length && !options.signal.aborted) {
      const dir = dirs[next++];
      const outcome = await checkPackageDir(options.pool, dir, { sandbox: options.sandbox, staticRules: options.staticRules, signal: options.signal, maxFileSize: options.settings.maxFileSize, timeMs: options.settings.sandbox.timeMs });
      if (outcome.kind === 'cancelled') return;
      const summary: PackageSummary = { name: path.basename(dir), dir, findings: 0, rules: [] };
      if (outcome.kind === 'failed') {
        summary.failed = outcome.message;
        report.notices.push({ file: rel(dir), message: `the package check failed: ${outcome.message}` });
      } else {
        summary.name = outcome.result.name ?? summary.name;
        for (const file of outcome.result.files) {
          const text = await readFile(file.path, 'utf8').catch(() => '');
          const findings = staticAnalysis().applySuppressions(text, withLevels(file.findings, options.settings.rules));
          const locate = locator(text);
          for (const f of findings) {
            report.findings.push({ file: rel(file.path), finding: f, region: locate(f.span), flow: (f.flow ?? []).map((s) => ({ region: locate(s.span), message: s.message })), fixes: [] });
            summary.findings++;
            if (!summary.rules.includes(f.ruleId)) summary.rules.push(f.ruleId);
          }
          for (const e of file.errors) report.notices.push({ file: rel(file.path), message: e.message });
        }
      }
      summaries.push(summary);
      options.onPackage?.(summary);
    }
  });
  await Promise.all(lanes);
  return summaries.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** "[#####-----] 150/300 packages" on stderr, redrawn at most every 100 ms, only on a terminal. */
export function progressBar(io: CliIO, total: number): { tick(): void; clear(): void } {
  let done = 0;
  let last = 0;
  let shown = false;
  const draw = (): void => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    io.err(`\rorbit-ls: [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} packages`);
    shown = true;
  };
  return {
    tick() {
      done++;
      const now = performance.now();
      if (!io.progress || (now - last < 100 && done < total)) return;
      last = now;
      draw();
    },
    clear() {
      if (shown) io.err('\r\u001b[K');
    },
  };
}

/** The per-package summary printed after the findings of `check --dependencies`. */
export function formatPackageSummary(summaries: readonly PackageSummary[], elapsedMs: number): string {
  const flagged = summaries.filter((s) => s.findings > 0);
  const failed = summaries.filter((s) => s.failed);
  const lines = [`Dependencies: ${summaries.length} package${summaries.length === 1 ? '' : 's'} checked in ${(elapsedMs / 1000).toFixed(1)} s; ${flagged.length} flagged${failed.length ? `, ${failed.length} could not be checked` : ''}.`];
  const width = Math.max(0, ...summaries.map((s) => s.name.length));
  for (const s of summaries) {
    const status = s.failed ? `not checked: ${s.failed}` : s.findings === 0 ? 'clean' : `${s.findings} finding${s.findings === 1 ? '' : 's'} (${s.rules.join(', ')})`;
    if (s.findings > 0 || s.failed) lines.push(`  ${s.name.padEnd(width)}  ${status}`);
  }
  if (flagged.length === 0 && failed.length === 0) lines.push('  every package is clean');
  return `${lines.join('\n')}\n`;
}

function rel(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/') || file;
}

function withLevels<T extends { ruleId: string; severity: string }>(findings: readonly T[], levels: Settings['rules']): T[] {
  return findings.flatMap((f) => {
    const level = levels[f.ruleId];
    if (level === undefined) return [f];
    return level === 'off' ? [] : [{ ...f, severity: level }];
  });
}

/** Suppression comments are core's; loaded with the analysis, only when a package had findings to filter. */
function staticAnalysis(): typeof import('../core/static-analysis') {
  return require('../core/static-analysis') as typeof import('../core/static-analysis');
}
