// The generation prompt: a raw completion prompt shaped like a source file, so any code model
// (and Ollama's raw mode) continues the function body from exactly the prefix we accepted.
import type { ConstraintSet, RegenTarget, Violation } from '../../core/constraints';

/** The line after which the function is written; test models and logs find the prefix by it. */
export const SECURE_VERSION_MARKER = '// The secure version:';

export interface PromptInput {
  target: RegenTarget;
  set: ConstraintSet;
  /** The accepted body so far (text after the `{`). */
  prefix: string;
  /** What was wrong with earlier attempts, newest last. */
  rejected: Violation[];
}

/** Up to this many lines of module context (imports, constants) precede the function. */
const CONTEXT_LINES = 30;

export function buildPrompt({ target, set, prefix, rejected }: PromptInput): string {
  const unitText = target.text.slice(target.unit.span.start, target.unit.span.end);
  const lines: string[] = [
    `// File: ${target.fileName.replace(/^.*[\\/]/, '')}`,
    '// Task: rewrite the body of the function below so that it is secure and behaves the same for ordinary inputs.',
    '// Rules the new code must follow:',
    ...set.constraints.map((c) => `// - ${c.text}`),
    '// Module context:',
    ...moduleContext(target).map((l) => `//   ${l}`),
    '// The function as it is now:',
    ...dedent(unitText).map((l) => `//   ${l}`),
  ];
  for (const v of rejected.slice(-3)) {
    lines.push(`// Rejected earlier: \`${oneLine(v.statement)}\` — ${v.message}. Write that step differently.`);
  }
  lines.push(SECURE_VERSION_MARKER, dedent(target.head).join('\n') + prefix);
  return lines.join('\n');
}

function moduleContext(target: RegenTarget): string[] {
  // Top-level lines before the function that declare something: imports, requires, constants.
  return target.text
    .slice(0, target.unit.span.start)
    .split('\n')
    .filter((l) => /^(import |const |let |var |export const )/.test(l))
    .slice(0, CONTEXT_LINES);
}

function dedent(text: string): string[] {
  const lines = text.split('\n');
  const common = Math.min(...lines.slice(1).filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0), Infinity);
  return lines.map((l, i) => (i === 0 || !Number.isFinite(common) ? l : l.slice(common)));
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}
