// Worker task `regenerationTargets`: for each span, the function "Regenerate securely" would
// rewrite (its name and where its body starts), found by parsing off the main thread, so a code
// action request never parses a document on the thread that answers the editor.
import { findTarget } from '../../core/constraints';
import type { LanguageKind, Span } from '../../core/types';

export interface RegenerationTargetsInput {
  fileName: string;
  text: string;
  language: LanguageKind;
  spans: Span[];
}

export interface TargetSummary {
  name: string;
  bodyStart: number;
}

export function regenerationTargets(input: RegenerationTargetsInput): (TargetSummary | null)[] {
  return input.spans.map((span) => {
    const target = findTarget(input.fileName, input.text, span, input.language);
    return target ? { name: target.unit.name, bodyStart: target.bodyStart } : null;
  });
}
