// Taint values: where untrusted data came from, the path it took, and which sink kinds it has
// been made safe for on the way. Immutable; every operation returns a new value.
import type { FlowStep, Span } from '../types';

/** The kinds of sink a sanitiser can make data safe for; one bit each. */
export const Sink = {
  sql: 1,
  nosql: 2,
  command: 4,
  code: 8,
  path: 16,
  html: 32,
  log: 64,
  redirect: 128,
  url: 256,
  regex: 512,
  prototype: 1024,
} as const;
export type SinkKind = keyof typeof Sink;

/** Every sink kind at once: what a conversion to number or boolean achieves. */
export const ALL_SINKS = 2047;

/**
 * Characters an attacker needs per sink kind: a value that cannot contain any of them (an
 * allowlist pattern, a replace that removes them all) is safe for that kind.
 */
export const DANGEROUS_CHARS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [Sink.sql, ["'", '"', '\\', ' ', ';', '(', '=']],
  [Sink.command, [';', '&', '|', '`', '$', '(', ')', '<', '>', '\n']],
  [Sink.html, ['<', '>', '"', "'"]],
  [Sink.log, ['\n', '\r']],
  [Sink.path, ['/', '\\']],
  [Sink.code, ['(', ')', '`', ';', "'", '"']],
  [Sink.regex, ['(', ')', '*', '+', '?', '{', '[', '|', '\\', '.']],
  [Sink.redirect, ['/', '\\', ':']],
  [Sink.url, ['/', '\\', ':', '@']],
];

export interface Taint {
  /** The source as the user wrote it, e.g. "req.query.id". */
  label: string;
  /** Source first; the sink step is added by the rule that reports. */
  steps: readonly FlowStep[];
  /** Bit set of Sink kinds this value has been sanitised or validated for. */
  cleansed: number;
  /** Still the raw source value: property reads extend the label ("req.query" → "req.query.id"). */
  direct: boolean;
  /** May be a parsed object rather than a string (query strings and JSON bodies can nest). */
  maybeObject: boolean;
}

const MAX_STEPS = 12;

export function sourceTaint(label: string, span: Span, maybeObject: boolean): Taint {
  return { label, steps: [{ span, message: `user input: ${label}` }], cleansed: 0, direct: true, maybeObject };
}

/** Adds a hop to the path; long paths keep their source and their latest hops. */
export function withStep(t: Taint, span: Span, message: string): Taint {
  const last = t.steps[t.steps.length - 1];
  if (last && last.span.start === span.start && last.span.end === span.end) return t;
  let steps = [...t.steps, { span, message }];
  if (steps.length > MAX_STEPS) steps = [steps[0], ...steps.slice(steps.length - MAX_STEPS + 1)];
  return { ...t, steps, direct: false };
}

/** Marks the value safe for the given sink kinds; fully safe values stop being tainted. */
export function cleanse(t: Taint | undefined, mask: number): Taint | undefined {
  if (!t) return undefined;
  const cleansed = t.cleansed | mask;
  if ((cleansed & ALL_SINKS) === ALL_SINKS) return undefined;
  return { ...t, cleansed, direct: false, maybeObject: false };
}

/** A value derived from either input: unsafe for whatever either is unsafe for. */
export function merge(a: Taint | undefined, b: Taint | undefined): Taint | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.cleansed === b.cleansed && a.maybeObject === b.maybeObject) return a;
  return { ...a, cleansed: a.cleansed & b.cleansed, maybeObject: a.maybeObject || b.maybeObject };
}

/** The same data, now known to be a string (concatenation, template, String()). */
export function asString(t: Taint | undefined): Taint | undefined {
  if (!t || (!t.direct && !t.maybeObject)) return t;
  return { ...t, direct: false, maybeObject: false };
}

/** Derived data (a property, an element, a method result): the label stops growing. */
export function derived(t: Taint | undefined): Taint | undefined {
  if (!t || !t.direct) return t;
  return { ...t, direct: false };
}

export function reaches(t: Taint | undefined, kind: SinkKind): t is Taint {
  return t !== undefined && (t.cleansed & Sink[kind]) === 0;
}
