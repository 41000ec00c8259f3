// The security constraint set that generation must respect: every security rule that can judge a
// statement, the finding being fixed, and the user's policy (banned modules and calls, validation).
import type { RuleLevel } from '../types';
import { allRules } from '../security/registry';

/** User policy from settings (orbit.regenerate.*), passed in explicitly. */
export interface Policy {
  /** Module specifiers the generated code may not require, import or call into, e.g. "child_process". */
  bannedModules: string[];
  /** Calls the generated code may not make: a last name ("eval") or a dotted callee ("cp.exec"). */
  bannedCalls: string[];
  /** When non-empty, the finished function must call at least one of these (e.g. "validateBody", "schema.parse"). */
  requiredValidation: string[];
}

export const EMPTY_POLICY: Policy = { bannedModules: [], bannedCalls: [], requiredValidation: [] };

export interface Constraint {
  /** A rule id, "policy/banned-module", "policy/banned-call", "policy/required-validation" or "syntax". */
  id: string;
  /** The constraint as the model is told it. */
  text: string;
}

export interface ConstraintSet {
  /** Rule levels in effect; rules at 'off' are not constraints. */
  levels: Record<string, RuleLevel>;
  /** The rule of the finding being fixed, stated first in the prompt. */
  focus?: { ruleId: string; message: string };
  policy: Policy;
  /** Extra taint sources from settings, so the checker sees the same taint as the static pass. */
  extraSources: string[];
  constraints: Constraint[];
}

export interface ConstraintInput {
  levels?: Record<string, RuleLevel>;
  focus?: { ruleId: string; message: string };
  policy?: Policy;
  extraSources?: string[];
}

/** Builds the constraint set; pure, and the same input always gives the same set and order. */
export function buildConstraintSet(input: ConstraintInput): ConstraintSet {
  const levels = { ...(input.levels ?? {}) };
  const policy = input.policy ?? EMPTY_POLICY;
  const constraints: Constraint[] = [];
  if (input.focus) constraints.push({ id: input.focus.ruleId, text: `Fix this problem: ${input.focus.message}` });
  for (const rule of allRules()) {
    if ((levels[rule.id] ?? rule.defaultSeverity) === 'off') continue;
    if (input.focus?.ruleId === rule.id && !rule.constraint) continue;
    constraints.push({ id: rule.id, text: rule.constraint ?? `Avoid ${rule.title.toLowerCase()} (${rule.cwe[0]}).` });
  }
  for (const m of policy.bannedModules) constraints.push({ id: 'policy/banned-module', text: `Do not use the module "${m}".` });
  for (const c of policy.bannedCalls) constraints.push({ id: 'policy/banned-call', text: `Do not call ${c}().` });
  if (policy.requiredValidation.length > 0) {
    constraints.push({ id: 'policy/required-validation', text: `Validate request data with ${policy.requiredValidation.join(' or ')} before using it.` });
  }
  constraints.push({ id: 'signature', text: 'Keep the function signature; write only the body.' });
  return { levels, focus: input.focus, policy, extraSources: [...(input.extraSources ?? [])], constraints };
}
