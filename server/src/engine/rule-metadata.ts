// The metadata of every static rule (id, title, CWE, default severity…) without loading the
// analysis: the rules' modules load the TypeScript compiler, which costs a `check` whose files all
// come from its findings cache more than reading them. `npm run build` writes the table
// (dist/rule-metadata.json, see server/scripts/rule-table.js) together with a fingerprint of the
// analysis code it was read from; a table whose fingerprint does not match the code beside it
// (a build by plain `tsc`, a rule edited since) is ignored and the rules are loaded instead, so the
// table can be missing or stale but never wrong.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuleMeta } from '../core/security/rule';

/** Where the build writes the table: the root of the built tree. */
export const RULE_TABLE_FILE = path.join(__dirname, '..', 'rule-metadata.json');

/** What `allRules()` of core/security/registry returns, from the table when it is current. */
export function ruleMetadata(): RuleMeta[] {
  memo ??= readRuleTable(RULE_TABLE_FILE, coreFingerprint()) ?? rulesFromCode();
  return memo.map((r) => ({ ...r, cwe: [...r.cwe], ...(r.taint ? { taint: { ...r.taint } } : {}) }));
}
let memo: RuleMeta[] | undefined;

/** The table in `file` if it was written from code with this fingerprint and has the right shape. */
export function readRuleTable(file: string, fingerprint: string): RuleMeta[] | undefined {
  try {
    const table = JSON.parse(fs.readFileSync(file, 'utf8')) as { fingerprint?: unknown; rules?: unknown };
    if (table.fingerprint !== fingerprint || !Array.isArray(table.rules)) return undefined;
    const rules = table.rules as RuleMeta[];
    return rules.every((r) => r && typeof r.id === 'string' && Array.isArray(r.cwe) && typeof r.defaultSeverity === 'string') ? rules : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the table for the code in this build (what `npm run build` does after compiling). */
export function writeRuleTable(file = RULE_TABLE_FILE): void {
  fs.writeFileSync(file, `${JSON.stringify({ fingerprint: coreFingerprint(), rules: rulesFromCode() }, null, 1)}\n`);
}

/** The rules' own metadata: loads every rule, and with them the TypeScript compiler. */
export function rulesFromCode(): RuleMeta[] {
  const registry = require('../core/security/registry') as typeof import('../core/security/registry');
  return registry.allRules();
}

/** A hash of every module of the built analysis (dist/core), names and contents; once per process. */
export function coreFingerprint(): string {
  coreMemo ??= hashTree([path.join(__dirname, '..', 'core')]);
  return coreMemo;
}
let coreMemo: string | undefined;

/** sha256 over the .js files under `roots` (directories or files), by path relative to the built tree. */
export function hashTree(roots: readonly string[]): string {
  const dist = path.join(__dirname, '..');
  const hash = createHash('sha256');
  for (const file of roots.flatMap(listJs).sort()) {
    hash.update(`${path.relative(dist, file)}\0`);
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update('missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

function listJs(root: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return root.endsWith('.js') ? [root] : [];
  }
  return entries.flatMap((e) => {
    const full = path.join(root, e.name);
    return e.isDirectory() ? listJs(full) : e.name.endsWith('.js') ? [full] : [];
  });
}
