// How much a recorded effect matters: a signature that stays the same when only the input values
// change, whether it is security-relevant, and why it is alarming (exfiltration, a host or command
// that never appears in the source, code from the network, a sensitive file). Pure.
import type { Effect, JsonValue } from '../trace/schema';

/** Marker the sandbox puts in fake secrets and in content it returns from the network. */
export const ENV_MARKER = 'orbit-env-';
export const REMOTE_MARKER = 'orbit-remote-content';

export interface EffectView {
  effect: Effect;
  /** Stable across inputs: kind and a normalised target (host, program, directory). */
  signature: string;
  /** Security-relevant: network, process, fs-write, eval, or environment values leaving. */
  security: boolean;
  /** Reasons it looks malicious on its own; empty for ordinary use of a capability. */
  alarms: string[];
  /** Secret environment variables whose values the effect carries. */
  leakedEnv: string[];
  /** Readable: "sends a request to http://x", "runs `curl … | sh`". */
  description: string;
}

const DANGEROUS_COMMAND = /\b(curl|wget|nc|ncat|netcat|bash\s+-[ci]|sh\s+-c|powershell|python\s+-c|perl\s+-e|chmod\s+\+x|rm\s+-rf\s+[/~]|mkfifo|base64\s+(-d|--decode))\b|\/dev\/tcp|\|\s*(ba)?sh\b/i;
const SENSITIVE_PATH = /(\.ssh|authorized_keys|\/etc\/|crontab|\/cron\.|\.bashrc|\.profile|\.zshrc|\.npmrc|\/\.git\/hooks|systemd|\/init\.d|node_modules\/)/i;

/** Views of a trace's effects. `source` is the document text; `inputs` are the strings the run's
 *  inputs carried (they are normalised away so signatures compare across runs). */
export function viewEffects(effects: Effect[], source: string, inputs: string[]): EffectView[] {
  const out: EffectView[] = [];
  for (const e of effects) out.push(viewEffect(e, source, inputs));
  return out;
}

function viewEffect(e: Effect, source: string, inputs: string[]): EffectView {
  const target = normaliseInputs(e.target, inputs);
  const raw = JSON.stringify(e.args);
  // Encoded payloads (base64, hex) are decoded so secrets cannot hide in them.
  const payload = raw + decodeHidden(e.target + raw);
  const leakedEnv = [...new Set([...(e.target + payload).matchAll(/orbit-env-([A-Z0-9_]+)/g)].map((m) => m[1]))];
  const alarms: string[] = [];
  let signature = `${e.kind}|${target}`;
  let security = false;
  let description = `${e.kind} ${e.target}`;
  switch (e.kind) {
    case 'network': {
      security = !/^listen:/.test(e.target);
      const host = hostOf(e.target);
      signature = `network|${host ? normaliseInputs(host, inputs) : target}`;
      const hidden = host !== '' && !hostInSource(host, source) && !inputs.some((s) => s.length >= 4 && s.toLowerCase().includes(host)) && !host.includes(ENV_MARKER) && !/^(localhost|127\.0\.0\.1|db\.internal)$/.test(host);
      if (hidden) alarms.push(`the host ${short(host)} appears nowhere in the source`);
      if (leakedEnv.length >= 3 || (leakedEnv.length >= 1 && hidden) || /"?[A-Z_]+"?:"orbit-env-/.test(payload) && leakedEnv.length >= 2) {
        alarms.push(`it carries environment secrets (${leakedEnv.slice(0, 3).join(', ')}${leakedEnv.length > 3 ? ', …' : ''})`);
      }
      if (/\$2[aby]\$\d\d\$orbit/.test(payload)) alarms.push('it carries password hashes from the database');
      description = leakedEnv.length ? `sends environment secrets (${leakedEnv.slice(0, 3).join(', ')}) to ${short(e.target)}` : `sends a request to ${short(e.target)}`;
      break;
    }
    case 'process': {
      security = !/^process\.(chdir)$/.test(e.target);
      const program = e.target.trim().split(/\s+/)[0] ?? '';
      signature = `process|${/^process\./.test(e.target) ? e.target : program}`;
      // A command built from the caller's input is command injection (the taint rules' business),
      // not behaviour hidden in the code.
      const fromInput = carriesInput(e.target, inputs);
      if (DANGEROUS_COMMAND.test(e.target) && !fromInput) alarms.push('the command downloads, opens a shell or deletes');
      if (!/^process\./.test(e.target) && !commandInSource(e.target, source, inputs)) alarms.push('the command appears nowhere in the source');
      if (leakedEnv.length) alarms.push(`it carries environment secrets (${leakedEnv.slice(0, 3).join(', ')})`);
      description = /^process\.(exit|kill|abort)/.test(e.target) ? `calls ${e.target}` : `runs \`${short(e.target)}\``;
      break;
    }
    case 'fs-write': {
      security = true;
      const dir = target.replace(/\/[^/]*$/, '') || target;
      signature = `fs-write|${dir}`;
      if (SENSITIVE_PATH.test(e.target)) alarms.push(`it writes to a sensitive location (${short(e.target)})`);
      if (leakedEnv.length >= 2) alarms.push('it writes environment secrets');
      description = `writes ${short(e.target)}`;
      break;
    }
    case 'eval': {
      security = true;
      // Function('a', 'b', body): the body is the last string argument.
      const strings = e.args.filter((a): a is string => typeof a === 'string');
      const code = strings.length ? strings[strings.length - 1] : '';
      signature = 'eval';
      if (payload.includes(REMOTE_MARKER)) alarms.push('it runs code downloaded from the network');
      else if (code && !carriesInput(code, inputs) && !fromSourceText(code, source)) alarms.push('it runs code that is decoded or assembled at run time');
      description = payload.includes(REMOTE_MARKER) ? 'runs code downloaded from the network' : `evaluates code (${short(code)})`;
      break;
    }
    default:
      break;
  }
  return { effect: e, signature, security, alarms, leakedEnv, description };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Text hidden in long base64 or hex runs of a payload, decoded (as Latin-1; markers are ASCII). */
export function decodeHidden(text: string): string {
  let out = '';
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)) {
    const s = m[0].replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    let buf = 0;
    let bits = 0;
    for (const ch of s) {
      buf = ((buf << 6) | B64.indexOf(ch)) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buf >> bits) & 255);
      }
    }
    out += ' ';
  }
  for (const m of text.matchAll(/(?:[0-9a-f]{2}){16,}/gi)) {
    for (let i = 0; i < m[0].length; i += 2) out += String.fromCharCode(parseInt(m[0].slice(i, i + 2), 16));
    out += ' ';
  }
  return out;
}

/** The host part of a URL-ish target; "" when there is none. */
export function hostOf(target: string): string {
  const t = target.replace(/^dns:/, '');
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/:?#]+)/i.exec(t) ?? /^([\w.-]+\.[a-z]{2,})(?::\d+)?(?:[/?#]|$)/i.exec(t) ?? /^([\w.-]+):\d+$/.exec(t);
  return m ? m[1].toLowerCase() : '';
}

/** A host counts as visible when its registrable part (the last two labels) is in the text. */
function hostInSource(host: string, source: string): boolean {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return source.includes(host);
  const labels = host.split('.');
  const reg = labels.slice(-2).join('.');
  return source.toLowerCase().includes(reg) || (labels.length > 2 && source.toLowerCase().includes(labels.slice(-3, -1).join('.')));
}

function commandInSource(command: string, source: string, inputs: string[]): boolean {
  const program = command.trim().split(/\s+/)[0] ?? '';
  if (!program) return true;
  if (inputs.some((s) => s && command.startsWith(s))) return true;
  return source.includes(program);
}

function carriesInput(text: string, inputs: string[]): boolean {
  // "[object Object]" is an input object coerced to a string (eval('(' + req.body + ')')).
  return /orbit-[a-z]+-\d+|\[object Object\]/.test(text) || inputs.some((s) => s.length >= 4 && text.includes(s));
}

/** Code whose beginning or end is written in the source was built from a template, not decoded. */
function fromSourceText(code: string, source: string): boolean {
  const c = code.trim();
  if (c.length <= 16) return source.includes(c);
  return source.includes(c.slice(0, 16)) || source.includes(c.slice(-16));
}

function normaliseInputs(s: string, inputs: string[]): string {
  let out = s;
  for (const v of inputs) if (v.length >= 3) out = out.split(v).join('<input>');
  return out.replace(/orbit-[a-z]+-\d+/g, '<input>');
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
}

/** Every string inside a JSON value (for normalising input values out of effect targets). */
export function stringsOf(v: JsonValue, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) stringsOf(v[k], out);
  return out;
}
