// Worker task `regenerationPrepare`: the function "Regenerate securely" rewrites, its constraint
// set, and the findings its empty body already has (the original code's, never the model's).
import { baselineKeys, buildConstraintSet, findTarget, type ConstraintInput, type ConstraintSet, type RegenTarget } from '../../core/constraints';
import type { LanguageKind, Span } from '../../core/types';

export interface RegenerationPrepareInput {
  fileName: string;
  text: string;
  language: LanguageKind;
  span: Span;
  constraints: ConstraintInput;
}

export interface PreparedRegeneration {
  target: RegenTarget;
  set: ConstraintSet;
  baseline: string[];
}

/** null when the span is not inside a function with a block body. */
export function regenerationPrepare(input: RegenerationPrepareInput): PreparedRegeneration | null {
  const target = findTarget(input.fileName, input.text, input.span, input.language);
  if (!target) return null;
  const set = buildConstraintSet(input.constraints);
  return { target, set, baseline: baselineKeys(target, set) };
}
