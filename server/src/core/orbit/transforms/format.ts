// Changes formatting only: indentation width and the spacing around commas and operators.
// Works on the gaps between tokens, so strings, templates, regexes and comments are untouched.
import * as acorn from 'acorn';
import type { Edit } from '../edits';
import type { Transform } from '../transform';

type Style = 'reindent' | 'comma-space' | 'operator-space';

const OPERATOR_LABELS = new Set(['=', '==/!=/===/!==', '</>/<=/>=', '+/-', '%', '*', '/', '&&', '||', '??', '=>', '?', ':']);

export const format: Transform = {
  id: 'format',
  summary: 'Changes indentation and the spacing around commas and operators.',
  preconditions: [
    'only whitespace between two tokens changes; gaps holding comments or touching template text are left alone',
    'line breaks are never added or removed, so automatic semicolon insertion is unaffected',
    'a space is removed only next to punctuation, never between two operators',
  ],
  apply(input) {
    let tokens: acorn.Token[];
    try {
      tokens = [...acorn.tokenizer(input.source, { ecmaVersion: 'latest', allowReturnOutsideFunction: true })];
    } catch {
      return null;
    }
    const styles: Style[] = input.rng.shuffle(['reindent', 'comma-space', 'operator-space'] as Style[]).slice(0, 1 + input.rng.int(2));
    const edits: Edit[] = [];
    const indentFactor = input.rng.next() < 0.5 ? 2 : 0.5;
    const addSpace = input.rng.next() < 0.5;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i];
      const b = tokens[i + 1];
      if (isTemplate(a) || isTemplate(b)) continue;
      const gap = input.source.slice(a.end, b.start);
      if (!/^\s*$/.test(gap)) continue;
      if (gap.includes('\n')) {
        if (!styles.includes('reindent')) continue;
        const nl = gap.lastIndexOf('\n');
        const indent = gap.slice(nl + 1);
        if (!/^ *$/.test(indent) || indent.length === 0) continue;
        const width = Math.max(1, Math.round(indent.length * indentFactor));
        edits.push({ start: a.end + nl + 1, end: b.start, text: ' '.repeat(width) });
        continue;
      }
      const label = b.type.label;
      if (styles.includes('comma-space') && a.type.label === ',') {
        if (addSpace && gap === '') edits.push({ start: a.end, end: b.start, text: ' ' });
        else if (!addSpace && gap === ' ' && isPunct(b)) edits.push({ start: a.end, end: b.start, text: '' });
        continue;
      }
      if (styles.includes('operator-space') && (OPERATOR_LABELS.has(label) || OPERATOR_LABELS.has(a.type.label))) {
        const op = OPERATOR_LABELS.has(label) ? b : a;
        const other = op === b ? a : b;
        if (addSpace && gap === '') edits.push({ start: a.end, end: b.start, text: ' ' });
        else if (!addSpace && gap === ' ' && isPunct(other) && !isOperatorLike(other) && op.type.label !== '=>') {
          edits.push({ start: a.end, end: b.start, text: '' });
        }
      }
    }
    return edits.length > 0 ? { edits } : null;
  },
};

function isTemplate(t: acorn.Token): boolean {
  return t.type.label === 'template' || t.type.label === '`' || t.type.label === 'invalidTemplate';
}

/** Brackets and separators: removing a space next to them cannot join two tokens. */
function isPunct(t: acorn.Token): boolean {
  return ['(', ')', '[', ']', '{', '}', ',', ';'].includes(t.type.label);
}

/** Fields acorn's token types carry at run time but do not declare. */
interface TokenFlags {
  binop?: number;
  prefix?: boolean;
  postfix?: boolean;
  isAssign?: boolean;
}

function isOperatorLike(t: acorn.Token): boolean {
  const f = t.type as unknown as TokenFlags;
  return f.binop !== undefined || f.prefix === true || f.postfix === true || f.isAssign === true;
}
