// What two traces are compared on: what an observer of the function would see, not every value a
// model wrote down. Effects are identified by kind, host and path (a garbled query value, another
// URL scheme or spacing in a command does not make a different effect; arguments are never part of
// the identity). Results are the status and body a handler sent, or the value a function returned:
// a response object (Express `res`, Fastify `reply`, about thirty methods and fields) is reduced to
// its status and body, so noise in its other fields cannot outvote anything. A request whose
// destination names no host (configuration, a module nobody can see) matches any other such request.
import type { JsonValue, Trace, TraceOutcome } from './schema';
import { responseKey, sameResponse, sentResponse } from './response';

/** The identity of an effect's target for its kind: "host/path" for a URL, the command with its
 *  spacing collapsed, the path without a trailing slash; other targets trimmed. */
export function effectIdentity(kind: string, target: string): string {
  const t = target.trim();
  if (kind === 'network') return urlIdentity(t);
  if (kind === 'process') return t.replace(/\s+/g, ' ');
  if (kind === 'fs-write' || kind === 'fs-read') return t.length > 1 ? t.replace(/\/+$/, '') : t;
  return t;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/** What a destination that names no host is called: a URL from configuration, the environment or
 *  a module nobody can see. Two such requests are the same effect; the destination is unknown to
 *  the sandbox and the model alike, and each writes it its own way. */
export const UNKNOWN_DESTINATION = '[unknown destination]';

function urlIdentity(t: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(t);
  if (!m) return /^[a-z0-9.-]+\.[a-z0-9-]+(:\d+)?$|^\[?[0-9a-f:.]+\]?:\d+$/i.test(t) ? t.toLowerCase() : UNKNOWN_DESTINATION;
  const scheme = m[1].toLowerCase();
  let host = m[2].replace(/^[^@]*@/, '').toLowerCase();
  const port = /:(\d+)$/.exec(host);
  if (port && DEFAULT_PORTS[scheme] === port[1]) host = host.slice(0, -port[0].length);
  const path = m[3].replace(/\/+$/, '');
  return `${host}${path}`;
}

/** A result reduced to what is observable: a response object becomes {"[response]": {status,
 *  body}} with only the fields it states; any other value is kept as it is. */
export function observableValue(v: JsonValue): JsonValue {
  if (!isResponse(v)) return v;
  const o = v as Record<string, JsonValue>;
  const out: Record<string, JsonValue> = {};
  const status = typeof o.status === 'number' ? o.status : typeof o.code === 'number' ? o.code : undefined;
  if (status !== undefined) out.status = status;
  if (o.body !== undefined && o.body !== '[undefined]') out.body = o.body;
  return { '[response]': out };
}

/** A response object: the framework's methods written as "[function]" (status, json, send, code …),
 *  or an object holding only a numeric status and a body, as a model writes what a handler sent. */
function isResponse(v: JsonValue): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, JsonValue>;
  const methods = ['status', 'json', 'send', 'end', 'code', 'redirect', 'header'].filter((k) => o[k] === '[function]').length;
  if (methods >= 3) return true;
  const keys = Object.keys(o);
  return typeof o.status === 'number' && keys.every((k) => k === 'status' || k === 'body' || k === 'headers');
}

/** The outcome as one comparable string: "return <observable value>", "throw <ErrorName>" (the
 *  message is left out: engines word it differently), "limit <kind>". */
export function observableOutcome(o: TraceOutcome): string {
  if (o.kind === 'return') return `return ${JSON.stringify(observableValue(o.value))}`;
  if (o.kind === 'throw') return `throw ${errorName(o.error)}`;
  return `limit ${o.limit}`;
}

function errorName(error: string): string {
  const m = /^([A-Za-z_$][\w$]*)(:|$)/.exec(error.trim());
  return m ? m[1] : 'Error';
}

/** Whether a prediction's outcome agrees with the real one, tolerantly: a response's status and
 *  body are compared only where both traces state them (the sandbox's response object records
 *  the calls made on it, not a status or body field). */
export function sameObservableOutcome(predicted: TraceOutcome, actual: TraceOutcome): boolean {
  if (observableOutcome(predicted) === observableOutcome(actual)) return true;
  if (predicted.kind !== 'return' || actual.kind !== 'return') return false;
  const a = observableValue(predicted.value);
  const b = observableValue(actual.value);
  const ra = responseOf(a);
  const rb = responseOf(b);
  if (!ra || !rb) return false;
  return (['status', 'body'] as const).every((k) => ra[k] === undefined || rb[k] === undefined || JSON.stringify(ra[k]) === JSON.stringify(rb[k]));
}

function responseOf(v: JsonValue): Record<string, JsonValue> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = (v as Record<string, JsonValue>)['[response]'];
  return r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, JsonValue>) : undefined;
}

/** The whole observable result of a trace as one comparable string: its outcome, and what a
 *  handler sent (status, the headers that matter, body) when it sent anything. A handler that
 *  returns its response object is compared on what it sent, not on the object. */
export function observableResult(trace: Pick<Trace, 'outcome' | 'response' | 'interactions'>): string {
  const sent = sentResponse(trace);
  const o = trace.outcome;
  const outcome = o.kind === 'return' && sent && isResponse(o.value) ? 'return [response]' : observableOutcome(o);
  return sent ? `${outcome} sent ${responseKey(sent)}` : outcome;
}

/** Whether a prediction's result agrees with the real one, tolerantly: the outcome as in
 *  sameObservableOutcome, and what was sent where both traces state it. */
export function sameObservableResult(predicted: Pick<Trace, 'outcome' | 'response' | 'interactions'>, actual: Pick<Trace, 'outcome' | 'response' | 'interactions'>): boolean {
  const a = sentResponse(predicted);
  const b = sentResponse(actual);
  if (!sameResponse(a, b)) return false;
  // A returned response object is what it sent, and that was just compared.
  const returnsResponse = (t: Pick<Trace, 'outcome'>, sent: unknown): boolean => t.outcome.kind === 'return' && sent !== undefined && isResponse(t.outcome.value);
  if (returnsResponse(predicted, a) || returnsResponse(actual, b)) return predicted.outcome.kind === actual.outcome.kind;
  return sameObservableOutcome(predicted.outcome, actual.outcome);
}
