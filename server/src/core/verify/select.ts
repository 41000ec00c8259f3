// Which functions verification spends the model on first: static findings weigh most, then the
// effects the sandbox saw, then size; and the function a command at a position means.
import type { Finding, Span } from '../types';

/** What ranking reads of a prepared unit. */
export interface Suspect {
  unit: { span: Span };
  /** Security-relevant effects the sandbox saw. */
  securityEffects: readonly string[];
  /** Characters of the unit. */
  size: number;
}

/** Static findings weigh most, then effects the sandbox saw, then size. */
export function rankBySuspicion<U extends Suspect>(units: readonly U[], statics: readonly Finding[]): U[] {
  const score = (u: U): number => {
    const inside = statics.filter((f) => f.span.start >= u.unit.span.start && f.span.end <= u.unit.span.end).length;
    return inside * 100 + u.securityEffects.length * 30 + Math.min(u.size, 5000) / 100;
  };
  return [...units].sort((a, b) => score(b) - score(a));
}

/** The smallest unit containing the offset (a callback inside a handler, not the whole handler). */
export function innermost<R extends { span: Span }>(units: readonly R[], at: number): R[] {
  const around = units.filter((u) => u.span.start <= at && at <= u.span.end);
  around.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
  return around.slice(0, 1);
}

/** Which changed units to prepare first when there are very many: static findings, then size. */
export function rankRefs<R extends { span: Span }>(refs: readonly R[], statics: readonly Finding[]): R[] {
  const score = (r: R): number =>
    statics.filter((f) => f.span.start >= r.span.start && f.span.end <= r.span.end).length * 100 + Math.min(r.span.end - r.span.start, 5000) / 100;
  return [...refs].sort((a, b) => score(b) - score(a));
}
