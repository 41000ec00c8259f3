// The one information finding of a document whose verification stayed incomplete: the functions
// the model could not verify and why, and whether the failures cluster where the sandbox sees
// security-relevant effects.
import type { Finding, Span } from '../types';

/** The rule id (and diagnostic code) of the report's one finding about incomplete verification. */
export const VERIFICATION_INCOMPLETE = 'verification-incomplete';

export interface IncompleteUnit {
  name: string;
  hash: string;
  line: number;
  reason: string;
}

/** One information finding per document naming the functions the model could not verify and
 *  why. Failures that cluster on the functions where the sandbox sees security-relevant effects,
 *  while the others verify, are themselves evidence, and the message says so. */
export function incompleteFinding(incomplete: IncompleteUnit[], present: ReadonlyArray<{ hash: string; span: Span }>, risky: Map<string, boolean>, text: string): Finding {
  const names = incomplete.map((u) => `${u.name} (line ${u.line}): ${u.reason}`).join('; ');
  const verifiedOthers = [...risky].filter(([hash]) => !incomplete.some((u) => u.hash === hash));
  const clustered = incomplete.every((u) => risky.get(u.hash)) && verifiedOthers.length > 0 && verifiedOthers.every(([, r]) => !r);
  const cluster = clustered ? ' The model failed only on functions where the sandbox sees security-relevant effects, while it answered for the others: a model that fails exactly where an honest answer would expose it is itself a warning sign.' : '';
  const first = present.find((r) => r.hash === incomplete[0].hash);
  const start = first?.span.start ?? 0;
  const nl = text.indexOf('\n', start);
  return {
    ruleId: VERIFICATION_INCOMPLETE,
    cwe: [],
    severity: 'information',
    message: `Model verification is incomplete for ${incomplete.length} function(s): ${names}.${cluster} Static and sandbox findings still apply; verification retries these functions on the next save.`,
    span: { start, end: nl < 0 ? text.length : Math.max(start + 1, nl) },
  };
}
