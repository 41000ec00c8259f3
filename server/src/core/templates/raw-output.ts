// Server-side templates: output that bypasses the engine's HTML escaping — EJS `<%-`, Pug `!{}` and
// `tag!=`, Handlebars/Mustache `{{{ }}}`, Nunjucks/Swig `| safe` and `{% autoescape false %}`, and
// escaped EJS output written into script code, where HTML escaping does not help.
// A template does not say where its values come from, so each raw output of a value is reported at
// warning level; includes, layout bodies and literals are not values anyone can inject into.
import type { Finding, RuleLevel, Severity } from '../types';
import { loopAliases, serverMadeOutput, viewLocals, type RendererText, type ViewLocals } from './render-sites';
import { handlebarsArgServerMade, handlebarsCall } from './helpers';
import { templateKind, type TemplateKind } from './template-files';

export { templateKind, type TemplateKind };

const CWE = ['CWE-79'];
/** Values that are markup by design: ejs-locals/Express layouts' body, includes, partials. */
const TRUSTED = /^(body|include\b|include\s*\(|partial\b|block\b|yield\b|contentFor\b|defineContent\b|style\b|script\b|styles\b|scripts\b)/;

interface Raw {
  start: number;
  end: number;
  expr: string;
  how: string;
  /** The finding's sentence when it is not the usual one about HTML escaping. */
  says?: string;
}

/**
 * Findings of the xss rule in one template file; none when the rule is off. `renderers` are the
 * texts of the source files that render it: a raw output whose value every render call passes as
 * server-made data (see render-sites.ts) is not reported.
 */
export function analyzeTemplate(fileName: string, text: string, levels: Record<string, RuleLevel>, renderers: readonly RendererText[] = [], extraSources: readonly string[] = []): Finding[] {
  const kind = templateKind(fileName);
  const level = levels.xss ?? 'warning';
  if (!kind || level === 'off') return [];
  const severity: Severity = levels.xss === undefined ? 'warning' : level;
  const raws: Raw[] = [];
  if (kind === 'ejs' || kind === 'html') ejs(text, raws);
  if (kind === 'ejs') scriptCode(text, raws);
  if (kind === 'pug') pug(text, raws);
  if (kind === 'handlebars' || kind === 'html') triple(text, raws);
  if (kind === 'nunjucks' || kind === 'html') nunjucks(text, raws);
  if (ignoredFile(text)) return [];
  const ignored = ignoredLines(text);
  const locals = renderers.length > 0 ? viewLocals(fileName, renderers, extraSources) : undefined;
  const aliases = locals && (locals.sites > 0 || locals.middleware) ? loopAliases(text) : new Map<string, string>();
  return raws
    .filter((r) => isValue(r.expr) && !ignored.has(lineAt(text, r.start)))
    .filter((r) => !locals || !serverMadeOutput(r.expr, locals, aliases))
    .filter((r) => kind !== 'handlebars' || !locals || !serverMadeHelper(r.expr, locals))
    .sort((a, b) => a.start - b.start)
    .map((r) => ({
      ruleId: 'xss',
      cwe: [...CWE],
      severity,
      message: `${r.says ?? `${r.how} writes ${r.expr.trim()} into the page without HTML escaping; if any part of it comes from a user, it is cross-site scripting — use the escaping form`} (CWE-79)`,
      span: { start: r.start, end: r.end },
      flow: [{ span: { start: r.start, end: r.end }, message: 'written without escaping' }],
      fixes: [],
    }));
}

/** `{{{editIcon story.user user story._id}}}`: a registered helper whose result is server-made for these arguments. */
function serverMadeHelper(expr: string, locals: ViewLocals): boolean {
  const call = handlebarsCall(expr);
  return !!call && !!locals.helper && locals.helper(call.name, call.args.map(handlebarsArgServerMade));
}

/** A value worth reporting: not empty, not a literal, not an include or a layout body. */
function isValue(expr: string): boolean {
  const e = expr.trim().replace(/;$/, '').trim();
  if (e.length === 0 || TRUSTED.test(e)) return false;
  if (/^(['"`]).*\1$/s.test(e) || /^[\d.]+$/.test(e) || /^(true|false|null|undefined)$/.test(e)) return false;
  return true;
}

function ejs(text: string, out: Raw[]): void {
  for (const m of text.matchAll(/<%-([\s\S]*?)[-_]?%>/g)) {
    out.push({ start: m.index, end: m.index + m[0].length, expr: m[1], how: `<%- ${m[1].trim()} %>` });
  }
}

/**
 * `<script> var n = <%= value %>; </script>`: HTML escaping leaves `1;alert(1)` untouched, so an
 * escaped value written into script code, outside a string literal, is still script injection.
 */
function scriptCode(text: string, out: Raw[]): void {
  const lower = text.toLowerCase();
  for (let open = lower.indexOf('<script'); open >= 0; open = lower.indexOf('<script', open + 7)) {
    const bodyStart = lower.indexOf('>', open);
    if (bodyStart < 0) return;
    const close = lower.indexOf('</script', bodyStart);
    const end = close < 0 ? text.length : close;
    const tag = lower.slice(open, bodyStart);
    if (/\bsrc\s*=/.test(tag) || /type\s*=\s*["']?(text\/template|text\/html|application\/json|application\/ld\+json)/.test(tag)) continue;
    const body = text.slice(bodyStart + 1, end);
    for (const m of body.matchAll(/<%=([\s\S]*?)[-_]?%>/g)) {
      const lineStart = body.lastIndexOf('\n', m.index) + 1;
      if (insideString(body.slice(lineStart, m.index))) continue;
      const start = bodyStart + 1 + m.index;
      const expr = m[1].trim();
      out.push({
        start, end: start + m[0].length, expr: m[1], how: `<%= ${expr} %>`,
        says: `<%= ${expr} %> writes ${expr} into script code outside any string; HTML escaping does not stop code such as 1;alert(1), so if any part of it comes from a user it is cross-site scripting — write <%- JSON.stringify(${expr}).replace(/</g, '\\u003c') %> instead`,
      });
    }
  }
}

/** Whether the code before a position on its line leaves a string literal open. */
function insideString(before: string): boolean {
  let quote = '';
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (ch === '\\') { i++; continue; }
    if (quote) { if (ch === quote) quote = ''; }
    else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
  }
  return quote !== '';
}

function pug(text: string, out: Raw[]): void {
  for (const m of text.matchAll(/!\{([^}\n]*)\}/g)) out.push({ start: m.index, end: m.index + m[0].length, expr: m[1], how: `!{${m[1].trim()}}` });
  // `p!= value` and `td!= link`: a tag (with optional classes, ids and attributes) then `!=`.
  for (const m of text.matchAll(/^[ \t]*[\w.#-]*(?:\([^)\n]*\))?!=[ \t]*(.+)$/gm)) {
    out.push({ start: m.index, end: m.index + m[0].length, expr: m[1], how: `!= ${m[1].trim()}` });
  }
}

function triple(text: string, out: Raw[]): void {
  for (const m of text.matchAll(/\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\}/g)) {
    const expr = m[1] ?? m[2] ?? '';
    out.push({ start: m.index, end: m.index + m[0].length, expr, how: `{{{${expr}}}}` });
  }
}

function nunjucks(text: string, out: Raw[]): void {
  for (const m of text.matchAll(/\{\{([^}]*?)\|\s*safe\s*\}\}/g)) {
    out.push({ start: m.index, end: m.index + m[0].length, expr: m[1], how: `{{ ${m[1].trim()} | safe }}` });
  }
  // Inside {% autoescape false %} … {% endautoescape %}, every {{ value }} is raw.
  for (const block of text.matchAll(/\{%-?\s*autoescape\s+false\s*-?%\}([\s\S]*?)\{%-?\s*endautoescape\s*-?%\}/g)) {
    const base = block.index + block[0].indexOf(block[1]);
    for (const m of block[1].matchAll(/\{\{([^}]*?)\}\}/g)) {
      if (/\|\s*safe\s*$/.test(m[1])) continue;
      out.push({ start: base + m.index, end: base + m.index + m[0].length, expr: m[1], how: `{{ ${m[1].trim()} }} under autoescape false` });
    }
  }
}

/**
 * Lines after an `orbit-ignore-next-line` comment naming xss (or no rule), in whatever comment
 * syntax the template language has (`<%# %>`, `//-`, `{{! }}`, `{# #}`, `<!-- -->`).
 */
function ignoredFile(text: string): boolean {
  for (const m of text.matchAll(/orbit-ignore-file\b([^\n]*)/g)) {
    const ids = idsOf(m[1]);
    if (ids === '' || /\bxss\b|CWE-79\b/.test(ids)) return true;
  }
  return false;
}

function idsOf(rest: string): string {
  return rest.replace(/--.*$/, '').replace(/(%>|#\}|\}\}|-->|\*\/)\s*$/, '').trim();
}

function ignoredLines(text: string): Set<number> {
  const out = new Set<number>();
  const all = text.split('\n');
  all.forEach((line, i) => {
    const m = /orbit-ignore-next-line\b(.*)$/.exec(line);
    if (!m) return;
    const ids = idsOf(m[1]);
    if (ids === '' || /\bxss\b|CWE-79\b/.test(ids)) out.add(i + 2);
  });
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
