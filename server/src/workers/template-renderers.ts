// The source files that render a template, read from disk: the template's view name ('api/lastfm'
// for views/api/lastfm.pug) in quotes in a .js/.ts file of the same project. The xss rule reads the
// render calls in them to tell raw output of server-made data from raw output of user data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportedModule } from '../core/static-analysis';
import { ALL_RENDERERS, viewNames } from '../core/templates/template-files';
import { isFile, localPath, readFresh } from './imports';

/** At most this many source files are listed per project, and this many renderers read per template. */
export const MAX_LISTED = 3000;
export const MAX_RENDERERS = 20;
/**
 * Locals can also come from middleware (`res.locals.x = …`, `app.locals`, flash messages, the
 * view-helpers package) and, for an included template, from any view's render call. When the files
 * that set locals and every file with a render call number at most this many, they are all read and
 * an ALL_RENDERERS entry says so; otherwise only the files naming the view are, as before.
 */
export const MAX_LOCALS_FILES = 40;
const LOCALS_PROVIDER = /\b(res|response|app)\.locals\b|\.flash\s*\(|['"]view-helpers['"]/;
const RENDER_CALL = /\b(render|view)\s*\(/;
/** Files that may define template helpers: a helpers folder or module, or a registerHelper call. */
const HELPER_FILE = /(^|\/)helpers?(\/|\.[cm]?[jt]s$)/;
const SKIP_DIR = /^(node_modules|\.git|dist|build|out|coverage|vendor|bower_components|public|static|assets|\..*)$/;
const SOURCE = /\.(jsx?|tsx?|mjs|cjs|mts|cts)$/;
/** A listing is reused for this long: `check` lists once, an editor sees new files soon after. */
const LISTING_TTL_MS = 5000;

const listings = new Map<string, { at: number; files: string[] }>();

/**
 * The renderers of a template by path ({} when the template is not a local file or nothing renders
 * it). The project is the directory above the template's views/ (or templates/) folder, else the
 * nearest directory with a package.json.
 */
export function readRenderers(fileName: string, maxFileSize: number): Record<string, ImportedModule> {
  const out: Record<string, ImportedModule> = {};
  const file = localPath(fileName);
  if (!file) return out;
  const root = projectRoot(file);
  if (!root) return out;
  const quoted = viewNames(file).flatMap((n) => [`'${n}'`, `"${n}"`, `\`${n}\``, `'/${n}'`, `"/${n}"`]);
  const files = listing(root);
  // Middleware usually lives beside, not under, the views' parent (config/express.js, app/views/).
  const pkg = packageRoot(file);
  const wideRoot = pkg && pkg !== root && root.startsWith(pkg) ? pkg : root;
  const wide = localsFiles(wideRoot, wideRoot === root ? files : listing(wideRoot), maxFileSize);
  if (wide) {
    for (const [f, text] of wide) out[f] = { fileName: f, text };
    out[ALL_RENDERERS] = { fileName: ALL_RENDERERS, text: '' };
    return out;
  }
  for (const f of files) {
    if (Object.keys(out).length >= MAX_RENDERERS) break;
    const text = readFresh(f, maxFileSize);
    if (text === undefined) continue;
    if (!/\b(render|view)\s*\(/.test(text) || !quoted.some((q) => text.includes(q))) continue;
    out[f] = { fileName: f, text };
  }
  return out;
}

/** Every file with a render call or one that sets locals, when some set locals and they are few enough. */
function localsFiles(root: string, files: string[], maxFileSize: number): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let providers = 0;
  for (const f of files) {
    const text = readFresh(f, maxFileSize);
    if (text === undefined) continue;
    const provides = LOCALS_PROVIDER.test(text);
    if (!provides && !RENDER_CALL.test(text) && !HELPER_FILE.test(path.relative(root, f).replace(/\\/g, '/')) && !/registerHelper\s*\(/.test(text)) continue;
    if (provides) providers++;
    if (out.size >= MAX_LOCALS_FILES) return undefined;
    out.set(f, text);
  }
  return providers > 0 ? out : undefined;
}

function packageRoot(file: string): string | undefined {
  let dir = path.dirname(file);
  for (let i = 0; i < 8; i++) {
    if (isFile(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

function projectRoot(file: string): string | undefined {
  let dir = path.dirname(file);
  for (let i = 0; i < 8; i++) {
    const base = path.basename(dir).toLowerCase();
    if (base === 'views' || base === 'templates') return path.dirname(dir);
    if (isFile(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

function listing(root: string): string[] {
  const hit = listings.get(root);
  const now = Date.now();
  if (hit && now - hit.at < LISTING_TTL_MS) return hit.files;
  const files: string[] = [];
  const stack = [root];
  while (stack.length > 0 && files.length < MAX_LISTED) {
    const dir = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIR.test(e.name)) stack.push(path.join(dir, e.name));
      } else if (e.isFile() && SOURCE.test(e.name) && !/\.min\.js$/.test(e.name)) files.push(path.join(dir, e.name));
    }
  }
  files.sort();
  if (listings.size > 50) listings.clear();
  listings.set(root, { at: now, files });
  return files;
}
