// Findings of the caller-controlled rule: the module's own summary (what each exported function's
// parameters reach, as the workspace index computes it for importers) turned into low-level
// findings at the sinks, for the sinks a library must not hand to its callers — shell commands,
// evaluated code and queries.
import type ts from 'typescript';
import type { FunctionLike } from '../security/ast';
import type { Finding, RuleLevel } from '../types';
import { ruleById } from '../security/registry';
import { isWebServerFile } from '../security/sources';
import { moduleExports } from './exports';
import { summariseModule } from './summary';

export const CALLER_CONTROLLED = 'caller-controlled';
/** The taint rules whose sinks count: a command, evaluated code, a SQL or NoSQL query. */
const SINK_RULES = new Set(['command-injection', 'code-injection', 'sql-injection', 'nosql-injection']);
/** Build and tool configuration (Gruntfile, gulpfile, *.config.js): its exported function is called by the tool. */
const BUILD_CONFIG = /(^|[\\/])(Gruntfile|gulpfile|Jakefile|[\w.-]+\.config)\.[cm]?[jt]s$/i;
/**
 * Parameters that hold the application rather than data: a Fastify plugin's instance and options,
 * an app factory's app or router, a build tool's handle.
 */
const APPLICATION_PARAM = /^(fastify|app|server|instance|router|api|opts|options|config|conf|env|grunt|gulp)$/i;
/** Words one of those sinks needs; a module without any is not summarised at all. */
const SINK_WORDS = /\b(exec|execSync|spawn|spawnSync|eval|Function|runIn\w*Context|runInThisContext|query|raw|\$where|mapReduce)\b/;

/**
 * The caller-controlled findings of one module. `existing` are the file's other findings: a sink a
 * request already reaches is that rule's finding, not this one's. Route files (they import a web
 * framework) are left to the request rules, whose sources are their parameters.
 */
export function callerControlledFindings(fileName: string, text: string, sourceFile: ts.SourceFile, levels: Readonly<Record<string, RuleLevel>>, existing: readonly Finding[]): Finding[] {
  const meta = ruleById(CALLER_CONTROLLED);
  const level = levels[CALLER_CONTROLLED] ?? meta?.defaultSeverity ?? 'off';
  if (!meta || level === 'off' || !SINK_WORDS.test(text) || isWebServerFile(text) || BUILD_CONFIG.test(fileName)) return [];
  const exported = moduleExports(sourceFile);
  // Summarising costs another analysis of the module (one per parameter position with findings),
  // so it runs only when some exported function names a sink and one of its own parameters.
  if (!exported.functions.some((e) => mayReachSink(e.fn))) return [];
  const fns = new Map(exported.functions.map((e) => [e.key, e.fn]));
  const summary = summariseModule({ fileName, text });
  const taken = new Set(existing.map((f) => `${f.span.start}:${f.span.end}`));
  const out: Finding[] = [];
  for (const fn of Object.values(summary.functions)) {
    for (const sink of fn.sinks) {
      if (!SINK_RULES.has(sink.ruleId) || sink.via) continue;
      const key = `${sink.span.start}:${sink.span.end}`;
      if (taken.has(key)) continue;
      taken.add(key);
      const sinkMeta = ruleById(sink.ruleId);
      const param = fns.get(fn.name)?.parameters[sink.param]?.name.getText() ?? `parameter ${sink.param + 1}`;
      // A wrapper whose parameter is the whole query or command (`query(text, params) => pool.query(text, params)`)
      // is an API for running queries; only a parameter mixed into code its module writes is reported.
      if (text.slice(sink.span.start, sink.span.end) === param) continue;
      const noun = sinkMeta?.taint?.sinkNoun ?? 'a sink';
      if (APPLICATION_PARAM.test(param)) continue;
      const sinkCwe = sinkMeta?.cwe ?? [];
      out.push({
        ruleId: CALLER_CONTROLLED,
        // The rule's own CWE first (input not validated), then the sink's, which rule suites count.
        cwe: [meta.cwe[0], ...sinkCwe],
        severity: level,
        message: `Parameter ${param} of the exported ${fn.name}() reaches ${noun}${sinkCwe[0] ? ` (${sinkCwe[0]})` : ''}, so every caller must pass a trusted value; validate or parameterise it here (${meta.cwe[0]})`,
        span: sink.span,
        flow: sink.steps.length >= 2 ? sink.steps : [{ span: fnSpan(fns.get(fn.name)) ?? sink.span, message: `${param}: chosen by the caller` }, { span: sink.span, message: `reaches ${noun}` }],
        fixes: [],
      });
    }
  }
  return out;
}

function fnSpan(fn: ts.Node | undefined): { start: number; end: number } | undefined {
  return fn ? { start: fn.getStart(), end: fn.getStart() + 1 } : undefined;
}

/** Whether a function's body names a sink and one of its parameters (a cheap test before summarising). */
function mayReachSink(fn: FunctionLike): boolean {
  if (!fn.body) return false;
  const body = fn.body.getText();
  if (!SINK_WORDS.test(body)) return false;
  return fn.parameters.some((p) => {
    const name = p.name.getText();
    return /^[\w$]+$/.test(name) && !APPLICATION_PARAM.test(name) ? new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(body) : !/^[\w$]+$/.test(name);
  });
}
