// `orbit-ls check [paths…] [--format text|json|sarif] [--fail-on error|warning|never] [--sandbox]`:
// analyses files in the worker pool (with --sandbox, also runs each in the sandbox) and prints the findings. Exit codes: 0 clean, 1 findings at or above
// --fail-on, 2 usage or internal error, 130 interrupted (Ctrl-C).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFiles } from '../engine/batch';
import { createPool } from '../engine/pool';
import type { DocumentReport } from '../engine/analyze';
import type { Settings } from '../config/schema';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { UsageError, type CliIO } from './io';
import { locator, type Locator } from './locate';
import { exitCodeFor, type CheckReport, type FailOn } from './report';
import { registeredRules, ruleCatalogue } from './rules';
import { loadSettings, readRaw } from './settings';
import { silencedChecks } from '../engine/silenced';
import { collectFiles } from './walk';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'information', 'hint', 'never'];

export async function runCheck(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      config: { type: 'string' },
      sandbox: { type: 'boolean', default: false },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  const failOn = values['fail-on'] as FailOn;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format "${values.format}"; use one of ${FORMATS.join(', ')}`);
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`unknown --fail-on "${values['fail-on']}"; use one of ${FAIL_ON.join(', ')}`);

  const { settings, problems } = await loadSettings(values.config);
  for (const p of problems) io.err(`orbit-ls: ${p.message}\n`);
  for (const s of silencedChecks(settings, values.config ? [{ label: values.config, raw: await readRaw(values.config) }] : [])) io.err(`orbit-ls: warning: a check is turned off or down: ${s.message}\n`);
  const { files, missing } = await collectFiles(positionals.length > 0 ? positionals : ['.'], signal);
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  if (files.length === 0) io.err('orbit-ls: no .js, .jsx, .ts or .tsx files found (node_modules and .gitignore\'d paths are skipped)\n');

  const sandbox = values.sandbox === true;
  const report = await analyze(files, { settings, sandbox }, io, signal);
  if (signal.aborted) {
    io.err('orbit-ls: interrupted; no report written\n');
    return 130;
  }
  const rules = ruleCatalogue(registeredRules({ sandbox }), report.findings.map((f) => f.finding));
  io.out(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report, rules) : formatText(report, { color: io.color }));
  return exitCodeFor(report, failOn);
}

interface CheckOptions {
  settings: Settings;
  /** Run the sandbox pass on each file too. */
  sandbox: boolean;
}

async function analyze(files: string[], { settings, sandbox }: CheckOptions, io: CliIO, signal: AbortSignal): Promise<CheckReport> {
  const started = performance.now();
  const report: CheckReport = { filesChecked: 0, findings: [], notices: [], skipped: [], elapsedMs: 0 };
  const pool = createPool({ size: settings.pool.size, log: (m) => io.err(`${m}\n`) });
  const progress = progressLine(io, files.length);
  try {
    await analyzeFiles(files, {
      pool,
      settings,
      signal,
      sandbox,
      onFile(file, text) {
        const rel = path.relative(process.cwd(), file.path).split(path.sep).join('/') || file.path;
        if (file.skipped) report.skipped.push({ file: rel, reason: file.skipped });
        else if (file.report && text !== undefined) addReport(report, rel, file.report, text);
        progress.tick();
      },
    });
  } finally {
    progress.clear();
    await pool.close();
  }
  report.findings.sort((a, b) => a.file.localeCompare(b.file) || a.region.start.line - b.region.start.line || a.region.start.column - b.region.start.column);
  report.elapsedMs = performance.now() - started;
  return report;
}

function addReport(report: CheckReport, file: string, doc: DocumentReport, text: string): void {
  report.filesChecked++;
  const locate = locator(text);
  const other = otherFiles();
  for (const finding of doc.findings) {
    report.findings.push({
      file,
      finding,
      region: locate(finding.span),
      flow: (finding.flow ?? []).flatMap((s) => {
        if (!s.fileName) return [{ region: locate(s.span), message: s.message }];
        // A step in an imported module (cross-file taint): located in that file's text.
        const o = other(s.fileName);
        return o ? [{ region: o.locate(s.span), message: s.message, file: o.rel }] : [];
      }),
      fixes: (finding.fixes ?? []).map((fix) => ({ title: fix.title, edits: fix.edits.map((e) => ({ region: locate(e.span), newText: e.newText })) })),
    });
  }
  for (const n of doc.notices) report.notices.push({ file, message: n.message });
}

/** Imported files named by flow steps, read once each and located like the checked file. */
function otherFiles(): (fileName: string) => { rel: string; locate: Locator } | undefined {
  const seen = new Map<string, { rel: string; locate: Locator } | undefined>();
  return (fileName) => {
    if (!seen.has(fileName)) {
      let entry: { rel: string; locate: Locator } | undefined;
      try {
        entry = { rel: path.relative(process.cwd(), fileName).split(path.sep).join('/') || fileName, locate: locator(fs.readFileSync(fileName, 'utf8')) };
      } catch {
        entry = undefined;
      }
      seen.set(fileName, entry);
    }
    return seen.get(fileName);
  };
}

/** "checked 120/400 files" on stderr, redrawn at most every 100 ms, only on a terminal. */
function progressLine(io: CliIO, total: number): { tick(): void; clear(): void } {
  let done = 0;
  let last = performance.now();
  let shown = false;
  return {
    tick() {
      done++;
      const now = performance.now();
      if (!io.progress || now - last < 100) return;
      last = now;
      shown = true;
      io.err(`\rorbit-ls: checked ${done}/${total} files`);
    },
    clear() {
      if (shown) io.err('\r\u001b[K');
    },
  };
}
