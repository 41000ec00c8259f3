// `check`'s findings cache: the static report of each file, kept on disk between runs and keyed by
// everything the report depends on — the file's path and text, the texts of its relative imports,
// the settings the static pass reads, the rules and the code of the analysis, and the orbit-ls
// version. A re-run over an unchanged tree reads and hashes each file and analyses none of them.
//
// Entries are written to a temporary file and renamed into place, so concurrent runs never see
// half an entry; an entry that does not parse, or that another version or build wrote, is ignored
// and overwritten. The cache only ever saves work: any failure to read or write it means analysing.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DocumentReport, DocumentSnapshot } from '../engine/document-analysis';
import type { CacheLookup, ReportCache } from '../engine/batch';
import { allRules } from '../core/security/registry';
import type { StaticOptions } from '../core/types';
import { orbitVersion } from '../config/version';
import { readImports } from '../workers/imports';
import { readRenderers } from '../workers/template-renderers';

/** Bumped when the entry layout changes. */
const FORMAT = 1;

export interface FindingsCacheOptions {
  /** The directory holding the entries (see `findingsCacheDir`). */
  dir: string;
  /** The static pass's options: a change of rules, levels or sources is a different key. */
  options: StaticOptions;
  /** orbit-ls's version and the fingerprint of its analysis code; defaults to this build's. */
  version?: string;
  fingerprint?: string;
  /** Told once when the cache cannot be written (then the run goes on without storing). */
  warn?: (message: string) => void;
}

/**
 * Where the entries live: `--cache-dir`, else `ORBIT_LS_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/orbit-ls/findings` (an absolute XDG_CACHE_HOME only, as the XDG spec says),
 * else `~/.cache/orbit-ls/findings`.
 */
export function findingsCacheDir(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return path.resolve(flag);
  if (env.ORBIT_LS_CACHE_DIR) return path.resolve(env.ORBIT_LS_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'orbit-ls', 'findings');
}

export function findingsCache(opts: FindingsCacheOptions): ReportCache {
  const version = opts.version ?? orbitVersion();
  const fingerprint = opts.fingerprint ?? analysisFingerprint();
  // Everything a key shares across files, hashed once.
  const common = sha256(JSON.stringify([FORMAT, version, fingerprint, opts.options]));
  let warned = false;
  const warn = (message: string): void => {
    if (warned) return;
    warned = true;
    opts.warn?.(message);
  };
  return {
    async lookup(doc: DocumentSnapshot): Promise<CacheLookup> {
      const imports = doc.language === undefined ? readRenderers(doc.uri, opts.options.maxFileSize) : readImports(doc.uri, doc.text, opts.options.maxFileSize, { fresh: true });
      const key = sha256(
        JSON.stringify([
          common,
          doc.uri,
          doc.language ?? null,
          sha256(doc.text),
          Object.entries(imports)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([specifier, m]) => [specifier, m.fileName, sha256(m.text)]),
        ]),
      );
      const file = path.join(opts.dir, key.slice(0, 2), `${key}.json`);
      const report = await readEntry(file, { version, fingerprint, key });
      return {
        imports,
        ...(report ? { report: { ...report, uri: doc.uri, version: doc.version } } : {}),
        async store(fresh: DocumentReport): Promise<void> {
          // A report that says the analysis could not finish (a time-out, a crash, a limit) may
          // come out differently next time: it is never kept.
          if (fresh.notices.length > 0) return;
          const entry = { format: FORMAT, version, fingerprint, key, report: fresh };
          try {
            await writeAtomically(file, JSON.stringify(entry));
          } catch (err) {
            warn(`orbit-ls: warning: could not write the findings cache in ${opts.dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); findings are not kept for the next run. Use --cache-dir DIR, or --no-cache.`);
          }
        },
      };
    },
  };
}

/** A hash of the code that computes static findings and of the rules' metadata: a rebuilt rule
 *  with an unchanged version number still gets fresh keys. Computed once per process. */
export function analysisFingerprint(): string {
  fingerprintMemo ??= computeFingerprint();
  return fingerprintMemo;
}
let fingerprintMemo: string | undefined;

function computeFingerprint(): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(allRules()));
  const dist = path.join(__dirname, '..');
  const files = [
    ...listJs(path.join(dist, 'core')),
    path.join(dist, 'workers', 'imports.js'),
    path.join(dist, 'workers', 'template-renderers.js'),
    path.join(dist, 'workers', 'tasks', 'analyzeStatic.js'),
    path.join(dist, 'engine', 'analyze.js'),
  ];
  for (const file of files.sort()) {
    hash.update(path.relative(dist, file));
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex');
}

function listJs(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listJs(full));
    else if (e.name.endsWith('.js')) out.push(full);
  }
  return out;
}

/** The report of a trustworthy entry: one that parses, has the expected shape and was written
 *  by this version and build for this key. Anything else is treated as absent. */
async function readEntry(file: string, expect: { version: string; fingerprint: string; key: string }): Promise<DocumentReport | undefined> {
  let raw: string;
  try {
    raw = await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(raw) as Record<string, unknown>;
    if (entry.format !== FORMAT || entry.version !== expect.version || entry.fingerprint !== expect.fingerprint || entry.key !== expect.key) return undefined;
    const report = entry.report as DocumentReport | undefined;
    if (!report || !Array.isArray(report.findings) || !Array.isArray(report.notices) || !Array.isArray(report.errors)) return undefined;
    return report;
  } catch {
    return undefined;
  }
}

/** Write to a private temporary file in the same directory, then rename over the entry: a reader
 *  sees the old entry or the new one, never a mix, whatever other runs are doing. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.promises.writeFile(tmp, text);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
