// Turns the trace of a module's top-level run (external/sandbox/module-run) into findings: data from
// a sensitive source leaving through the network or DNS (found by its canary), downloaded code
// evaluated, a dangerous process started, a write to a persistence location. Pure.
import type { Effect, Trace } from '../trace/schema';
import type { Finding, FlowStep, Span } from '../types';
import { lineStarts } from '../source/lines';
import { classifyCommand } from './commands';
import { CANARY_HOME, SENSITIVE_FILE, SENSITIVE_WRITE, findCanaries } from './canaries';
import { supplyRuleMeta } from './rules';

const REMOTE = 'orbit-remote-content';

/** Findings of one load run of `text`. `when` says how the code ran ("loaded", "run by the
 *  postinstall script"), for the messages. */
export function loadFindings(trace: Trace, text: string, when = 'loaded'): Finding[] {
  const starts = lineStarts(text);
  const spanOfLine = (line: number): Span => {
    const i = Math.max(0, Math.min(starts.length - 1, line - 1));
    const start = starts[i];
    const next = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    const lead = /^\s*/.exec(text.slice(start, next))?.[0].length ?? 0;
    return { start: start + lead, end: Math.max(start + lead, next) };
  };
  const out: Finding[] = [];
  const seen = new Set<string>();
  const push = (id: string, line: number, message: string, flow: FlowStep[], what = ''): void => {
    // One finding per line and destination: a beacon repeated by an interval is reported once.
    const key = `${id}:${line}:${what}`;
    if (seen.has(key)) return;
    seen.add(key);
    const meta = supplyRuleMeta(id);
    out.push({ ruleId: id, cwe: [...meta.cwe], severity: meta.defaultSeverity, message: `${message} (${meta.cwe[0]})`, span: spanOfLine(line), flow });
  };
  const reads: Effect[] = [];
  let downloaded = false;
  for (const e of trace.effects) {
    const payload = `${e.target} ${JSON.stringify(e.args)}`;
    switch (e.kind) {
      case 'env':
      case 'fs-read':
        reads.push(e);
        break;
      case 'network': {
        if (/^listen:/.test(e.target)) break;
        downloaded = true;
        const hits = findCanaries(payload);
        if (hits.length === 0) break;
        const sources = hits.map((h) => h.source);
        const encodings = [...new Set(hits.map((h) => h.encoding).filter(Boolean))];
        const dns = e.target.startsWith('dns:');
        const flow: FlowStep[] = [];
        for (const h of hits.slice(0, 4)) {
          const read = reads.find((r) => readMatches(r, h.source));
          if (read) flow.push({ span: spanOfLine(read.line), message: `reads ${h.source}` });
        }
        flow.push({ span: spanOfLine(e.line), message: `${dns ? 'looks up' : 'sends it to'} ${short(dns ? e.target.slice(4) : e.target)}${encodings.length ? ` (${encodings.join(', ')})` : ''}` });
        push('load-exfiltration', e.line, `When ${when}, this module sends ${list(sources)} ${dns ? 'out in DNS queries to' : 'to'} ${short(hostOf(e.target))}${encodings.length ? `, hidden by ${encodings[0]}` : ''}`, flow, hostOf(e.target));
        break;
      }
      case 'eval': {
        const code = JSON.stringify(e.args);
        if (code.includes(REMOTE) || (downloaded && /network/.test(code))) {
          push('load-remote-code', e.line, `When ${when}, this module runs code it downloaded, through ${e.target}`, [{ span: spanOfLine(e.line), message: `${e.target} runs the downloaded text` }]);
        }
        break;
      }
      case 'process': {
        if (/^process\.(chdir|exit|kill|binding|dlopen)$/.test(e.target) || e.target === 'stdin') break;
        const verdict = classifyCommand(e.target);
        const silent = /"detached":true/.test(JSON.stringify(e.args)) && /"stdio":"ignore"/.test(JSON.stringify(e.args));
        const why = verdict.danger ?? (silent ? 'it is detached from the installer with its output discarded' : undefined);
        if (!why) break;
        push('load-remote-code', e.line, `When ${when}, this module starts \`${short(e.target)}\`: ${why}`, [{ span: spanOfLine(e.line), message: `starts ${short(e.target)}` }]);
        break;
      }
      case 'fs-write': {
        const target = e.target.replace(CANARY_HOME, '~');
        if (!SENSITIVE_WRITE.test(target)) break;
        push('load-sensitive-write', e.line, `When ${when}, this module writes to ${short(target)}`, [{ span: spanOfLine(e.line), message: `writes ${short(target)}` }]);
        break;
      }
    }
  }
  return out;
}

function readMatches(e: Effect, source: string): boolean {
  if (source.startsWith('process.env.')) return e.kind === 'env' && (e.target === source.slice(12) || e.target === '*');
  if (source === 'os.hostname()') return e.target === 'os.hostname';
  if (source.startsWith('the user name')) return e.target === 'os.userInfo' || e.target === 'os.homedir';
  return e.kind === 'fs-read' && (SENSITIVE_FILE.test(e.target) || e.target.replace(CANARY_HOME, '~') === source);
}

function hostOf(target: string): string {
  if (target.startsWith('dns:')) return target.slice(4).split('.').slice(-2).join('.');
  const m = /^[a-z]+:\/\/([^/:?#]+)/i.exec(target);
  return m ? m[1] : target;
}

/** Environment variables as one group, other sources by name: "os.hostname(), ~/.ssh/id_rsa and
 *  11 environment variables (DATABASE_URL, JWT_SECRET, …)". */
function list(xs: string[]): string {
  const env = xs.filter((x) => x.startsWith('process.env.')).map((x) => x.slice(12));
  const parts = xs.filter((x) => !x.startsWith('process.env.'));
  if (env.length === 1) parts.push(`process.env.${env[0]}`);
  else if (env.length > 1) parts.push(`${env.length} environment variables (${env.slice(0, 3).join(', ')}${env.length > 3 ? ', …' : ''})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0] ?? '';
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
