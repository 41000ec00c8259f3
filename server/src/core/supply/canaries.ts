// Data provenance for load-time runs: every sensitive local source answers a canary, a value that
// names where it came from, and a sink's payload is searched for canaries after undoing the usual
// encodings (base64, hex, URL encoding, JSON escaping, reversal). A canary survives whatever
// ordinary code does to a string (concatenation, JSON.stringify, Buffer, base64), so finding one in
// a request proves that data from that source reached it. Pure.

export const CANARY_USER = 'orbituser';
export const CANARY_HOME = '/home/orbituser';
/** The host name the sandbox's os.hostname() returns. */
export const CANARY_HOST = 'orbit-host';

/** The environment of a load run: plausible, every secret a canary. */
export const CANARY_ENV: Record<string, string> = {
  NODE_ENV: 'production', HOME: CANARY_HOME, USER: CANARY_USER, LOGNAME: CANARY_USER, SHELL: '/bin/bash', PATH: '/usr/local/bin:/usr/bin:/bin',
  PWD: '/app', LANG: 'en_US.UTF-8', TERM: 'xterm-256color',
  DATABASE_URL: 'postgres://app:orbit-env-DATABASE_URL@db.internal:5432/app', JWT_SECRET: 'orbit-env-JWT_SECRET',
  AWS_ACCESS_KEY_ID: 'orbit-env-AWS_ACCESS_KEY_ID', AWS_SECRET_ACCESS_KEY: 'orbit-env-AWS_SECRET_ACCESS_KEY',
  API_KEY: 'orbit-env-API_KEY', GITHUB_TOKEN: 'orbit-env-GITHUB_TOKEN', NPM_TOKEN: 'orbit-env-NPM_TOKEN',
  npm_config__authToken: 'orbit-env-npm_config__authToken', npm_package_description: 'orbit-env-npm_package_description',
};

/** Files whose contents are secrets: keys, tokens, cloud and package-manager credentials, wallets,
 *  browser and chat-client stores. */
export const SENSITIVE_FILE = /(\/\.ssh\/|(^|\/)\.npmrc$|\/\.aws\/|\/\.config\/gcloud\/|\/\.azure\/|\/\.kube\/config|\/\.docker\/config\.json|(^|\/)\.env(\.[\w-]+)?$|\/\.git-credentials$|\/\.netrc$|\/\.pypirc$|\/\.gnupg\/|wallet|keystore|\/\.config\/solana\/|\/\.ethereum\/|\/\.bitcoin\/|\/\.electrum\/|\/Exodus\/|Local Extension Settings|Login Data|\/Cookies$|Local Storage\/leveldb|\/discord\/|\/\.mozilla\/firefox\/|google-chrome|BraveSoftware|\/Chromium\/)/i;

/** Places a write to which plants persistence or code: shell start-up files, SSH keys, cron,
 *  services, git hooks, CI workflows, npm's own configuration. */
export const SENSITIVE_WRITE = /(authorized_keys|\/\.ssh\/|(^|\/)\.(bashrc|bash_profile|zshrc|zprofile|profile|login)$|crontab|\/cron\.|\/etc\/|systemd|\/init\.d\/|autostart|\/\.git\/hooks\/|(^|\/)\.github\/workflows\/|(^|\/)\.npmrc$|LaunchAgents|LaunchDaemons)/i;

export interface CanaryHit {
  /** A readable name of the source: "process.env.GITHUB_TOKEN", "os.hostname()", "~/.ssh/id_rsa". */
  source: string;
  /** How it was hidden: "", "base64", "hex", "url-encoded", … */
  encoding: string;
}

/** Canaries found in a sink's text, after undoing common encodings. */
export function findCanaries(text: string): CanaryHit[] {
  const hits = new Map<string, CanaryHit>();
  for (const view of decodedViews(text)) {
    for (const m of view.text.matchAll(/orbit-env-([A-Za-z0-9_]+)/g)) add(hits, `process.env.${m[1]}`, view.encoding);
    if (view.text.includes(CANARY_HOST)) add(hits, 'os.hostname()', view.encoding);
    if (view.text.split(CANARY_HOME).join('').includes(CANARY_USER)) add(hits, 'the user name (os.userInfo())', view.encoding);
    for (const m of view.text.matchAll(/orbit-file:([^"'\\\s,}\]]+)/g)) if (SENSITIVE_FILE.test(m[1])) add(hits, m[1].replace(CANARY_HOME, '~'), view.encoding);
    if (view.text.includes('orbit-file-secret')) add(hits, 'a .env file', view.encoding);
  }
  return [...hits.values()];
}

function add(hits: Map<string, CanaryHit>, source: string, encoding: string): void {
  if (!hits.has(source)) hits.set(source, { source, encoding });
}

interface View {
  text: string;
  encoding: string;
}

/** The text itself and what it decodes to, two layers deep (base64 of base64 is common). */
export function decodedViews(text: string): View[] {
  const views: View[] = [{ text, encoding: '' }];
  const queue: View[] = [{ text, encoding: '' }];
  for (let depth = 0; depth < 4 && queue.length; depth++) {
    const next: View[] = [];
    for (const v of queue.splice(0)) {
      for (const d of decodeOnce(v.text)) {
        const encoding = v.encoding ? `${d.encoding} of ${v.encoding}` : d.encoding;
        if (views.length < 64) {
          views.push({ text: d.text, encoding });
          next.push({ text: d.text, encoding });
        }
      }
    }
    queue.push(...next);
  }
  return views;
}

function decodeOnce(text: string): View[] {
  const out: View[] = [];
  const unescaped = text.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  if (/%[0-9a-f]{2}/i.test(text)) {
    try {
      out.push({ text: decodeURIComponent(text.replace(/\+/g, ' ')), encoding: 'URL encoding' });
    } catch {
      // Malformed escapes: leave the text as it is.
    }
  }
  for (const m of unescaped.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
    const b = fromBase64(m[0]);
    if (printable(b)) out.push({ text: b, encoding: 'base64' });
  }
  // Hex, also split across DNS labels ("0.6f72….6974.x.example").
  const hexRuns = [...unescaped.matchAll(/[0-9a-f]{16,}/gi)].map((m) => m[0]);
  const joined = unescaped.replace(/[.\-:/]/g, '').match(/[0-9a-f]{16,}/gi) ?? [];
  // A label of its own (a counter, "0.") can shift the digits by one: try both alignments.
  for (const h of [...hexRuns, ...joined.flatMap((j) => [j, j.slice(1)])]) {
    const even = h.length % 2 ? h.slice(0, -1) : h;
    const b = fromHex(even);
    if (printable(b)) out.push({ text: b, encoding: 'hex' });
  }
  if (text.length < 20_000) out.push({ text: [...text].reverse().join(''), encoding: 'reversal' });
  return out.slice(0, 16);
}

function printable(s: string): boolean {
  if (s.length < 4) return false;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9) ok++;
  }
  return ok / s.length > 0.9;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 (standard or URL-safe) to a byte string. */
export function fromBase64(text: string): string {
  const s = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  let out = '';
  let buf = 0;
  let bits = 0;
  for (const ch of s) {
    const v = B64.indexOf(ch);
    if (v < 0) break;
    buf = ((buf << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buf >> bits) & 255);
    }
  }
  return out;
}

/** Hex digits to a byte string. */
export function fromHex(text: string): string {
  let out = '';
  for (let i = 0; i + 1 < text.length; i += 2) out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
  return out;
}
