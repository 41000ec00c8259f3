// A module's `MountedAs` from the policy facts of the modules that import it, and of theirs: where
// its routes end up (the prefixes and middleware of every mount on the way down from the app), which
// of its exports serve which routes, and whether the app keeps a cookie session or names CSRF
// protection. Pure: the workspace index supplies the importers and resolves their specifiers.
import type { MountedAs, PolicyFacts } from './types';
import { DEPTH_BUDGET } from './types';

export interface Importer {
  file: string;
  policy?: PolicyFacts;
  /** The file a specifier of this importer names, if it is a workspace file. */
  resolve(specifier: string): string | undefined;
}

const MAX_ENTRIES = 64;
const MAX_GUARDS = 64;

/** How the app uses `file`; undefined when nothing mounts it or uses its exports as handlers. */
export function mountedAsOf(file: string, importersOf: (file: string) => readonly Importer[]): MountedAs | undefined {
  const memo = new Map<string, MountedAs | null>();
  const visit = (f: string, depth: number, open: Set<string>): MountedAs | undefined => {
    const known = memo.get(f);
    if (known !== undefined) return known ?? undefined;
    if (depth > DEPTH_BUDGET || open.has(f)) return undefined;
    open.add(f);
    const out: MountedAs = { mounts: [], handlers: [], csrf: false };
    let used = false;
    for (const imp of importersOf(f)) {
      const p = imp.policy;
      if (!p) continue;
      const mounts = p.mounts.filter((m) => imp.resolve(m.specifier) === f);
      const handlers = p.handlers.filter((h) => imp.resolve(h.specifier) === f);
      if (mounts.length === 0 && handlers.length === 0) continue;
      used = true;
      const parent = visit(imp.file, depth + 1, open);
      // Where the importer's own routes sit: under each of its mounts, or at the root when it is the app.
      const above = parent && parent.mounts.length > 0 ? parent.mounts : [{ prefix: '', guards: [] as string[] }];
      for (const m of mounts) {
        for (const a of above) if (out.mounts.length < MAX_ENTRIES) out.mounts.push({ by: imp.file, line: m.line, prefix: join(a.prefix, m.prefix), guards: [...a.guards, ...m.guards].slice(0, MAX_GUARDS) });
      }
      for (const h of handlers) {
        for (const a of above) if (out.handlers.length < MAX_ENTRIES) out.handlers.push({ export: h.export, by: imp.file, line: h.line, method: h.method, path: join(a.prefix, h.path), guards: [...a.guards, ...h.guards].slice(0, MAX_GUARDS) });
      }
      const session = p.session ? { by: imp.file, line: p.session.line, sameSite: p.session.sameSite } : parent?.session;
      if (session && !out.session) out.session = session;
      out.csrf = out.csrf || p.csrf || parent?.csrf === true;
    }
    open.delete(f);
    memo.set(f, used ? out : null);
    return used ? out : undefined;
  };
  return visit(file, 0, new Set());
}

function join(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/$/, '') || '/';
}
