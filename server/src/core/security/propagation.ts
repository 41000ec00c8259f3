// What a call does to taint: sanitisers clear it for their sink kinds, conversions to numbers and
// booleans clear it entirely, string and container methods pass it on, validators vouch for shape.
import ts from 'typescript';
import { linearRegex, type LinearRegex } from './linear-regex';
import { ALL_SINKS, asString, cleanse, DANGEROUS_CHARS, derived, merge, Sink, type Taint } from './taint';

/** A call as the engine sees it when deciding the taint of its result. */
export interface CallShape {
  /** Function or method name: "basename", "replace", "parseInt". */
  name: string;
  /** Dotted receiver text for method calls on plain chains: "path", "JSON", "he". */
  qualifier?: string;
  /** The module the callee comes from, when known: "path", "escape-html". */
  module?: string;
  isMethod: boolean;
  receiver?: Taint;
  args: readonly (Taint | undefined)[];
  argNodes: readonly ts.Expression[];
  /** For method calls on clean receivers: the receiver's source (a validation schema, maybe). */
  schema?: () => string;
}

const HTML_ESCAPES = /^(escape|escapeHtml|escapeHTML|htmlEscape|encodeHTML|encodeHtml|escapeXml|sanitize|sanitizeHtml|purify|xss|filterXSS|encode)$/;
const HTML_ESCAPE_MODULES: ReadonlySet<string> = new Set([
  'escape-html', 'he', 'html-escaper', 'dompurify', 'isomorphic-dompurify', 'sanitize-html', 'xss', 'entities',
  'lodash', 'validator', 'underscore', 'html-entities',
]);
const NUMERIC_FREE = new Set(['Number', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'Boolean', 'BigInt']);
const NUMERIC_QUALIFIERS = new Set(['Math', 'Number', 'Date', 'crypto', 'bcrypt', 'argon2', 'uuid', 'validator']);
const BOOLEAN_METHODS = new Set([
  'includes', 'startsWith', 'endsWith', 'indexOf', 'lastIndexOf', 'test', 'has', 'some', 'every', 'search',
  'localeCompare', 'charCodeAt', 'codePointAt', 'findIndex', 'isValid', 'isInteger', 'isSafeInteger', 'compare',
  'compareSync', 'verify', 'digest', 'hash', 'hashSync', 'randomUUID', 'randomBytes', 'getTime', 'valueOf',
]);
const PROPAGATING_HELPERS = new Set([
  'join', 'resolve', 'normalize', 'relative', 'format', 'from', 'concat', 'assign', 'parse', 'stringify',
  'decodeURIComponent', 'decodeURI', 'decode', 'unescape', 'fromEntries', 'entries', 'values', 'keys', 'toString',
  'trim', 'dirname', 'extname', 'merge', 'defaults', 'cloneDeep', 'clone', 'parseUrl', 'promisify', 'all',
  'allSettled', 'resolve', 'readFileSync', 'readFile',
]);
const VALIDATORS = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateSync', 'validateAsync', 'cast', 'attempt']);
const VALIDATED_SHAPE = Sink.nosql | Sink.prototype;

/** The taint of a call's result, given what flows in. Local functions are handled by the engine. */
export function callResult(c: CallShape): Taint | undefined {
  const argTaint = c.args.reduce<Taint | undefined>((acc, t) => merge(acc, t), undefined);
  const first = c.args[0];
  if (!c.isMethod) return freeCall(c, argTaint, first);
  const q = c.qualifier;
  // JSON.stringify escapes newlines and quotes every string: safe for logs, not for HTML or SQL.
  if (q === 'JSON') return c.name === 'parse' ? parsed(first) : cleanse(asString(first), Sink.log | Sink.nosql | Sink.prototype);
  if (q === 'Number' || q === 'Math' || q === 'Date') return undefined;
  if (c.name === 'basename' && (q === 'path' || c.module === 'path')) return cleanse(first, Sink.path | Sink.redirect | Sink.url);
  if (c.module && HTML_ESCAPE_MODULES.has(c.module) && HTML_ESCAPES.test(c.name)) return cleanse(first, Sink.html);
  if (q && /^(he|DOMPurify|purify|validator|_|lodash|entities)$/.test(q) && HTML_ESCAPES.test(c.name)) return cleanse(first, Sink.html);
  if (c.name === 'escape' || c.name === 'escapeId' || c.name === 'format') {
    if (q && /^(mysql|mysql2|connection|conn|pool|db|SqlString|sqlstring|pgFormat|format)$/.test(q)) return cleanse(argTaint, Sink.sql);
  }
  if (/^escapeRegExp$|^escapeRegex$/.test(c.name)) return cleanse(first, Sink.regex);
  if (q && NUMERIC_QUALIFIERS.has(q) && c.name !== 'escape') return undefined;
  if (c.receiver) return methodOnTainted(c, argTaint);
  // A method on clean data that takes tainted arguments: only known helpers pass taint through.
  if (VALIDATORS.has(c.name) && argTaint) {
    const schema = c.schema?.() ?? '';
    return cleanse({ ...argTaint, maybeObject: false }, constrainedSchema(schema) ? ALL_SINKS : VALIDATED_SHAPE);
  }
  if (BOOLEAN_METHODS.has(c.name)) return undefined;
  if (c.name === 'quote' && c.module === 'shell-quote') return cleanse(first, Sink.command);
  if (PROPAGATING_HELPERS.has(c.name)) return derived(argTaint);
  return undefined;
}

function freeCall(c: CallShape, argTaint: Taint | undefined, first: Taint | undefined): Taint | undefined {
  if (NUMERIC_FREE.has(c.name)) return undefined;
  if (c.name === 'String') return asString(first);
  if (c.name === 'encodeURIComponent' || c.name === 'escape') {
    return cleanse(first, Sink.html | Sink.command | Sink.path | Sink.log | Sink.redirect | Sink.url | Sink.code | Sink.nosql);
  }
  if (c.name === 'encodeURI') return cleanse(first, Sink.html | Sink.log | Sink.nosql);
  if (c.module === 'escape-html' || c.module === 'he' || HTML_ESCAPES.test(c.name)) return cleanse(first, Sink.html);
  if (c.module === 'sanitize-filename' || /^saniti[sz]eFile(name|Name)$/.test(c.name)) return cleanse(first, Sink.path | Sink.command);
  if (c.module === 'escape-string-regexp' || /^escape(String)?Reg(Exp|ex)$/i.test(c.name)) return cleanse(first, Sink.regex);
  if (/^(shellEscape|escapeShell|shellQuote|quoteShell)/i.test(c.name) || c.module === 'shell-escape' || (c.name === 'quote' && c.module === 'shell-quote')) {
    return cleanse(first, Sink.command);
  }
  if (c.name === 'basename' && c.module === 'path') return cleanse(first, Sink.path | Sink.redirect | Sink.url);
  if (c.name === 'matchedData') return cleanse(argTaint, VALIDATED_SHAPE);
  if (c.module === 'mongo-sanitize' || c.module === 'express-mongo-sanitize') return cleanse(first, Sink.nosql);
  if (c.name === 'validationResult' || c.name === 'require') return undefined;
  // Unknown functions pass their input through: missing a flow costs more than a rare extra report.
  return derived(argTaint);
}

function methodOnTainted(c: CallShape, argTaint: Taint | undefined): Taint | undefined {
  const receiver = c.receiver as Taint;
  if (BOOLEAN_METHODS.has(c.name) || c.name === 'length') return undefined;
  if (c.name === 'replace' || c.name === 'replaceAll') return asString(neutralised(c, derived(receiver)));
  if (c.name === 'toString' || c.name === 'trim' || c.name === 'toLowerCase' || c.name === 'toUpperCase') return asString(derived(receiver));
  if (c.name === 'json' || c.name === 'parse') return parsed(receiver);
  return merge(derived(receiver), derived(argTaint));
}

function parsed(t: Taint | undefined): Taint | undefined {
  return t ? { ...t, direct: false, maybeObject: true } : undefined;
}

/**
 * `s.replace(/[^\w-]/g, '')` and the like: for each sink kind whose dangerous characters the
 * pattern removes (or replaces with something harmless), the result is safe for that kind.
 */
function neutralised(c: CallShape, t: Taint | undefined): Taint | undefined {
  const [pattern, replacement] = c.argNodes;
  if (!t || !pattern || !replacement || !ts.isStringLiteralLike(replacement)) return t;
  let re: LinearRegex;
  if (ts.isRegularExpressionLiteral(pattern)) {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern.text);
    if (!m) return t;
    if (!m[2].includes('g') && c.name !== 'replaceAll') return replacement.text === '' && /\\\.\\\./.test(m[1]) ? cleanse(t, Sink.path) : t;
    // The pattern is the analysed file's: RE2 bounds the time any pattern takes.
    const compiled = linearRegex(m[1], m[2].replace(/[gy]/g, ''));
    if (!compiled) return t;
    re = compiled;
  } else if (ts.isStringLiteralLike(pattern) && c.name === 'replaceAll') {
    const literal = pattern.text;
    re = { test: (s: string) => s === literal };
  } else {
    return t;
  }
  let mask = 0;
  // p.replace(/^(\.\.(\/|\\|$))+/, '') after path.normalize strips the climbing prefix.
  if (replacement.text === '' && /\\\.\\\./.test(pattern.getText())) mask |= Sink.path;
  // s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') escapes rather than removes: safe for regexes only.
  if (/^\\\$&$/.test(replacement.text)) {
    const regexChars = DANGEROUS_CHARS.find(([kind]) => kind === Sink.regex)?.[1] ?? [];
    return regexChars.every((ch) => re.test(ch)) ? cleanse(t, Sink.regex) : t;
  }
  for (const [kind, chars] of DANGEROUS_CHARS) {
    const removed = chars.every((ch) => re.test(ch) && !replacement.text.includes(ch));
    if (removed) mask |= kind;
  }
  return mask === 0 ? t : cleanse(t, mask & ALL_SINKS);
}

/** String refinements that leave no room for quotes, markup, slashes or shell syntax. */
const SAFE_STRING = /^\s*(\.(min|max|length|trim|toLowerCase|toUpperCase|required|nonempty|optional|nullable|default|describe)\([^)]*\))*\.(uuid|cuid2?|ulid|nanoid|alphanum|hex|guid|token|datetime|isoDate|date|ip|base64|enum|valid|oneOf)\(/;

/**
 * Whether a zod/joi/yup schema only lets through numbers, booleans, enums and tightly
 * formatted strings (uuid, hex, datetime, …). Free-form strings (and emails, which may hold
 * quotes) keep the value tainted for injection sinks.
 */
function constrainedSchema(schema: string): boolean {
  if (!/\b(z|Joi|joi|yup|object)\b/.test(schema)) return false;
  const re = /\.string\(\)/g;
  for (let m = re.exec(schema); m; m = re.exec(schema)) {
    if (!SAFE_STRING.test(schema.slice(m.index + m[0].length, m.index + m[0].length + 120))) return false;
  }
  return !/\.(any|unknown|passthrough|custom)\(/.test(schema);
}
