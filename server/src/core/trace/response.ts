// What a request handler sent: its status, the headers a reviewer cares about and its body. The
// sandbox's response objects record the calls made on them (`interactions`); a model states what
// was sent in the trace's `response`. Verification compares these, never the response object's
// own fields (about thirty methods and flags that say nothing about what the client received).
import type { Interaction, JsonValue, SentResponse, Trace } from './schema';

/** Headers compared between traces: where the client is sent, what it is told to store, who may
 *  read the answer, and how it is to be read. Others (caching, tracing ids) are left out. */
export const HEADERS_THAT_MATTER = ['location', 'set-cookie', 'access-control-allow-origin', 'access-control-allow-credentials', 'www-authenticate', 'content-type'];
const MATTERS = new Set(HEADERS_THAT_MATTER);

const STATUS_CALLS = new Set(['res.status', 'res.sendStatus', 'res.writeHead', 'reply.code', 'reply.status', 'ctx.status', 'ctx.throw']);
const BODY_CALLS = new Set(['res.json', 'res.send', 'res.end', 'res.jsonp', 'res.write', 'reply.send', 'ctx.body', 'res.sendFile', 'reply.sendFile']);
const HEADER_CALLS = new Set(['res.set', 'res.header', 'res.setHeader', 'res.append', 'reply.header', 'reply.headers', 'ctx.set']);

/** What the trace says the handler sent: the model's `response` when it wrote one, otherwise read
 *  from the sandbox's recorded calls; undefined when nothing was sent or stated. */
export function sentResponse(trace: Pick<Trace, 'response' | 'interactions'>): SentResponse | undefined {
  if (trace.response && typeof trace.response === 'object') return cleanResponse(trace.response);
  return responseFromInteractions(trace.interactions ?? []);
}

/** The response a sequence of calls on a response object sent. */
export function responseFromInteractions(calls: readonly Interaction[]): SentResponse | undefined {
  const out: SentResponse = {};
  const headers: Record<string, string> = {};
  let seen = false;
  for (const c of calls) {
    const [a, b] = c.args;
    if (STATUS_CALLS.has(c.target) && typeof a === 'number') (out.status = a), (seen = true);
    if (BODY_CALLS.has(c.target) && a !== undefined) (out.body = a), (seen = true);
    if (c.target === 'res.render') (out.body = a ?? null), (seen = true);
    if (c.target === 'res.redirect' || c.target === 'reply.redirect' || c.target === 'ctx.redirect') {
      const code = typeof a === 'number' ? a : typeof b === 'number' ? b : 302;
      const url = typeof a === 'string' ? a : b;
      out.status = code;
      if (typeof url === 'string') headers.location = url;
      seen = true;
    }
    if (c.target === 'res.location' && typeof a === 'string') (headers.location = a), (seen = true);
    if (c.target === 'res.type' || c.target === 'reply.type') {
      if (typeof a === 'string') (headers['content-type'] = a), (seen = true);
    }
    if (c.target === 'res.cookie' || c.target === 'reply.setCookie' || c.target === 'ctx.cookies.set') {
      if (typeof a === 'string') (headers['set-cookie'] = `${a}=${typeof b === 'string' ? b : JSON.stringify(b ?? '')}`), (seen = true);
    }
    if (HEADER_CALLS.has(c.target)) {
      const pairs: Array<[string, JsonValue]> = typeof a === 'string' ? [[a, b ?? null]] : a && typeof a === 'object' && !Array.isArray(a) ? Object.entries(a) : [];
      for (const [k, v] of pairs) {
        const key = k.toLowerCase();
        if (MATTERS.has(key)) (headers[key] = typeof v === 'string' ? v : JSON.stringify(v)), (seen = true);
      }
    }
  }
  if (Object.keys(headers).length) out.headers = headers;
  return seen ? out : undefined;
}

/** Whether two accounts of what was sent agree, where both state it: the status, the body, and
 *  each header both name. A trace that states nothing agrees with any. */
export function sameResponse(a: SentResponse | undefined, b: SentResponse | undefined): boolean {
  if (!a || !b) return true;
  if (a.status !== undefined && b.status !== undefined && a.status !== b.status) return false;
  if (a.body !== undefined && b.body !== undefined && canonical(a.body) !== canonical(b.body)) return false;
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    const w = b.headers?.[k];
    if (w !== undefined && w.trim().toLowerCase() !== v.trim().toLowerCase()) return false;
  }
  return true;
}

/** One comparable string for what was sent ("" when nothing was). */
export function responseKey(r: SentResponse | undefined): string {
  if (!r) return '';
  const headers = Object.entries(r.headers ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, v.trim().toLowerCase()]);
  return canonical({ status: r.status ?? null, headers, body: r.body === undefined ? null : r.body });
}

/** A model's `response` with only the fields that are compared, headers by lower-case name. */
function cleanResponse(r: SentResponse): SentResponse | undefined {
  const out: SentResponse = {};
  if (typeof r.status === 'number') out.status = r.status;
  if (r.body !== undefined && r.body !== '[undefined]') out.body = r.body;
  const headers: Record<string, string> = {};
  if (r.headers && typeof r.headers === 'object') {
    for (const [k, v] of Object.entries(r.headers)) if (MATTERS.has(k.toLowerCase()) && typeof v === 'string') headers[k.toLowerCase()] = v;
  }
  if (Object.keys(headers).length) out.headers = headers;
  return Object.keys(out).length ? out : undefined;
}

function canonical(v: JsonValue): string {
  return JSON.stringify(sortDeep(v));
}

function sortDeep(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  return v;
}
