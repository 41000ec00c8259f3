// The contract every orbit transform implements, and the shared driver that parses, applies a
// transform's edits and records the line and rename maps.
import type * as acorn from 'acorn';
import { parseUnit, type Node } from './ast';
import { applyEdits, type Edit } from './edits';
import type { Rng } from './rng';
import { analyzeScopes, type ScopeInfo } from './scope';

export interface TransformInput {
  source: string;
  program: acorn.Program;
  comments: acorn.Comment[];
  scopes: ScopeInfo;
  rng: Rng;
}

/** What a transform proposes: edits on its input, plus renames (variant name → input name)
 *  and the fresh names it introduced, which trace normalisation drops. */
export interface TransformEdits {
  edits: Edit[];
  renames?: Record<string, string>;
  introduced?: string[];
}

export interface Transform {
  id: string;
  /** One sentence for users: what the rewrite does. */
  summary: string;
  /** The conditions under which it applies; anything else is declined. */
  preconditions: string[];
  /** Returns null (declines) when no site satisfies the preconditions. */
  apply(input: TransformInput): TransformEdits | null;
}

export interface TransformResult {
  code: string;
  lineMap: number[];
  renames: Record<string, string>;
  introduced: string[];
}

/** A parsed unit, ready for any transform; reused across attempts on the same text. */
export type Prepared = Omit<TransformInput, 'rng'>;

export function prepare(source: string): Prepared | null {
  const parsed = parseUnit(source);
  if (!parsed) return null;
  return { source, program: parsed.program, comments: parsed.comments, scopes: analyzeScopes(parsed.program) };
}

/** Runs a transform on prepared input and checks that the result still parses; a result that
 *  does not parse is treated as declined. The result carries its own prepared form. */
export function applyPrepared(transform: Transform, input: Prepared, rng: Rng): (TransformResult & { prepared: Prepared }) | null {
  const out = transform.apply({ ...input, rng });
  if (!out || out.edits.length === 0) return null;
  const { code, lineMap } = applyEdits(input.source, out.edits);
  if (code === input.source) return null;
  const prepared = prepare(code);
  if (!prepared) return null;
  return { code, lineMap, renames: out.renames ?? {}, introduced: out.introduced ?? [], prepared };
}

/** Parses the source, runs the transform and checks that the result still parses. */
export function runTransform(transform: Transform, source: string, rng: Rng): TransformResult | null {
  const input = prepare(source);
  const out = input && applyPrepared(transform, input, rng);
  if (!out) return null;
  const { prepared: _prepared, ...result } = out;
  return result;
}

/** Picks a random non-empty subset of candidate sites whose spans do not overlap. */
export function chooseSites<T extends { start: number; end: number }>(sites: readonly T[], rng: Rng, max = 3): T[] {
  const chosen: T[] = [];
  for (const site of rng.shuffle(sites)) {
    if (chosen.length >= max) break;
    if (chosen.length > 0 && rng.next() < 0.4) continue;
    if (chosen.some((c) => site.start < c.end && c.start < site.end)) continue;
    chosen.push(site);
  }
  return chosen;
}

/** Source text of a node. */
export function text(input: { source: string }, node: Node | { start: number; end: number }): string {
  return input.source.slice(node.start, node.end);
}

const LOW_PRECEDENCE = new Set(['SequenceExpression', 'AssignmentExpression', 'ConditionalExpression', 'ArrowFunctionExpression', 'YieldExpression']);

/** Source text of an expression, parenthesised unless it is clearly a tight operand. */
export function operand(input: { source: string }, node: Node): string {
  const t = text(input, node);
  const tight = ['Identifier', 'Literal', 'MemberExpression', 'CallExpression', 'ThisExpression', 'TemplateLiteral',
    'ArrayExpression', 'ObjectExpression', 'NewExpression', 'ChainExpression'].includes(node.type);
  return tight ? t : `(${t})`;
}

/** Source text of an expression used where an AssignmentExpression is allowed. */
export function assignable(input: { source: string }, node: Node): string {
  return node.type === 'SequenceExpression' ? `(${text(input, node)})` : text(input, node);
}

/** Source text of an expression used as a ternary test. */
export function testOperand(input: { source: string }, node: Node): string {
  return LOW_PRECEDENCE.has(node.type) ? `(${text(input, node)})` : text(input, node);
}

/** The negation of a condition, in a context that only looks at its truthiness. */
export function negate(input: { source: string }, node: Node): string {
  if (node.type === 'UnaryExpression' && node.operator === '!') return text(input, node.argument as Node);
  if (node.type === 'BinaryExpression') {
    const flip: Record<string, string> = { '===': '!==', '!==': '===', '==': '!=', '!=': '==' };
    const op = flip[node.operator];
    if (op) return `${text(input, node.left as Node)} ${op} ${text(input, node.right as Node)}`;
  }
  return `!${operand(input, node)}`;
}

/** A statement as a braced block (unchanged when it already is one). */
export function asBlock(input: { source: string }, node: Node): string {
  return node.type === 'BlockStatement' ? text(input, node) : `{ ${text(input, node)} }`;
}
