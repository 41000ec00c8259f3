// The incremental statement splitter: finds, in the growing text of a function body, the points
// where a statement has just ended (at any block depth) and the point where the body itself closes.
// It scans with the TypeScript scanner, so strings, templates, comments and regexes never confuse it.
import ts from 'typescript';

/** A place where the body prefix ends a statement; `closers` closes the blocks still open there. */
export interface CutPoint {
  /** Offset in the body text just after the statement's last character. */
  end: number;
  /** Blocks open at this point (the body itself not counted). */
  depth: number;
  /** Text that closes them so the prefix parses: "}" for most, "} finally {}" for a try block. */
  closers: string;
  /** The open blocks, innermost last, so scanning can resume here. */
  open: Block[];
  /** 'token' after `;` or `}`; 'newline' where a line break ends a statement without a semicolon. */
  by: 'token' | 'newline';
}

/** Scanner state at a cut point, so scanning the next chunk resumes instead of restarting. */
export interface SplitState {
  /** Where scanning resumes; always a cut point (or 0), where only blocks are open. */
  offset: number;
  open: Block[];
}

export interface SplitResult {
  /** New cut points after `state.offset`, in order. */
  cuts: CutPoint[];
  /** Offset of the `}` that closes the body, once the model has written it. */
  closedAt?: number;
  /** Where the next call should resume. */
  state: SplitState;
}

export const INITIAL_SPLIT: SplitState = { offset: 0, open: [] };

/** A brace block, and the try and do blocks whose closing needs more than a brace. */
export type Block = '{' | 'try' | 'do';
type Open = Block | '(' | '[' | 'tpl';

const CLOSER: Record<Block, string> = { '{': '}', try: '} finally {}', do: '} while (false);' };

/** The text that closes `open`, innermost first. */
export function closersOf(open: readonly Block[]): string {
  return [...open].reverse().map((b) => CLOSER[b]).join('\n');
}

/** Tokens after which a `/` divides; anywhere else it starts a regular expression. */
const ENDS_EXPRESSION = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.Identifier, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.StringLiteral, ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword, ts.SyntaxKind.PlusPlusToken,
  ts.SyntaxKind.MinusMinusToken, ts.SyntaxKind.RegularExpressionLiteral,
]);

/** Tokens that begin a new statement when they open a line (a semicolon-free style). */
const STARTS_STATEMENT = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.ConstKeyword, ts.SyntaxKind.LetKeyword, ts.SyntaxKind.VarKeyword, ts.SyntaxKind.ReturnKeyword,
  ts.SyntaxKind.IfKeyword, ts.SyntaxKind.ForKeyword, ts.SyntaxKind.WhileKeyword, ts.SyntaxKind.TryKeyword,
  ts.SyntaxKind.ThrowKeyword, ts.SyntaxKind.AwaitKeyword, ts.SyntaxKind.Identifier, ts.SyntaxKind.SwitchKeyword,
]);

/**
 * Scans `body` (the text after the function's `{`) from `state` and reports new cut points.
 * A cut point is only reported when the last token is whole: text ending mid-token waits for more.
 */
export function splitBody(body: string, state: SplitState = INITIAL_SPLIT): SplitResult {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, body);
  scanner.resetTokenState(state.offset);
  const stack: Open[] = [...state.open];
  const cuts: CutPoint[] = [];
  let resume = state;
  let prev: ts.SyntaxKind | undefined;
  let prevEnd = state.offset;
  const onlyBraces = (): boolean => stack.every((s) => s === '{' || s === 'try' || s === 'do');
  const cut = (end: number, by: CutPoint['by']): void => {
    // A token that touches the end of the text may still grow ("retur" → "return"), so wait.
    if (end >= body.length) return;
    const open = stack as Block[];
    cuts.push({ end, depth: open.length, closers: closersOf(open), open: [...open], by });
    resume = { offset: end, open: [...open] };
  };
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) {
      if (prev === undefined || !ENDS_EXPRESSION.has(prev)) kind = scanner.reScanSlashToken();
    }
    if (scanner.hasPrecedingLineBreak() && prev !== undefined && ENDS_EXPRESSION.has(prev) && STARTS_STATEMENT.has(kind) && onlyBraces()) {
      if (prevEnd > resume.offset) cut(prevEnd, 'newline');
    }
    switch (kind) {
      case ts.SyntaxKind.OpenBraceToken:
        stack.push(prev === ts.SyntaxKind.TryKeyword ? 'try' : prev === ts.SyntaxKind.DoKeyword ? 'do' : '{');
        break;
      case ts.SyntaxKind.OpenParenToken:
        stack.push('(');
        break;
      case ts.SyntaxKind.OpenBracketToken:
        stack.push('[');
        break;
      case ts.SyntaxKind.TemplateHead:
        stack.push('tpl');
        break;
      case ts.SyntaxKind.CloseParenToken:
      case ts.SyntaxKind.CloseBracketToken:
        stack.pop();
        break;
      case ts.SyntaxKind.CloseBraceToken:
        if (stack[stack.length - 1] === 'tpl') {
          kind = scanner.reScanTemplateToken(false);
          if (kind === ts.SyntaxKind.TemplateTail) stack.pop();
          break;
        }
        if (stack.length === 0) return { cuts, closedAt: scanner.getTokenStart(), state: resume };
        // A try block still needs its catch or finally, a do block its while: no statement ends here.
        if (stack.pop() === '{' && onlyBraces()) cut(scanner.getTokenEnd(), 'token');
        break;
      case ts.SyntaxKind.SemicolonToken:
        if (onlyBraces()) cut(scanner.getTokenEnd(), 'token');
        break;
      default:
        break;
    }
    prev = kind;
    prevEnd = scanner.getTokenEnd();
  }
  return { cuts, state: resume };
}
