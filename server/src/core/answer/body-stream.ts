// Turning a code model's streamed answer into the function body it continues, as it arrives.
// Generation asks for the text after the function's `{`. A completion model writes exactly that;
// instruct models often write something around it: a <think> block, a sentence, a Markdown fence,
// the function again with its signature, and after resuming, the accepted statements again. The
// normaliser drops that wrapping chunk by chunk, holding back only what it cannot decide yet (an
// unfinished first line, a line that may be a closing fence), so statements are still checked
// while they stream.

export interface BodyStreamTarget {
  /** The function's text up to and including the body's `{`. */
  head: string;
  /** The function's name, when it has one. */
  name?: string;
  /** The body accepted so far (a resumed generation); the model may write it again. */
  prefix: string;
}

export interface BodyNormaliser {
  /** Body text to append for this chunk (possibly empty while deciding). */
  push(chunk: string): string;
  /** The rest, once the answer ended. */
  end(): string;
  /** What was dropped, for logs and tests: "think", "prose", "fence", "signature", "prefix". */
  readonly dropped: readonly string[];
}

/** Longest wait for a first line before it is taken as code. */
const DECIDE_CHARS = 400;

export function createBodyNormaliser(target: BodyStreamTarget): BodyNormaliser {
  let state: 'lead' | 'signature' | 'prefix' | 'body' | 'done' = 'lead';
  let pending = '';
  let fenced = false;
  let restated = false;
  const dropped: string[] = [];
  const headSquashed = squash(target.head);
  const prefixSquashed = squash(target.prefix);

  function step(final: boolean): string {
    let out = '';
    for (;;) {
      if (state === 'lead') {
        const lead = pending.trimStart();
        if (lead === '') return out;
        if (lead.startsWith('<think>')) {
          const close = pending.indexOf('</think>');
          if (close < 0) {
            // Still thinking; an answer that ends inside its reasoning has no code.
            if (final) pending = '';
            return out;
          }
          pending = pending.slice(close + '</think>'.length);
          dropped.push('think');
          continue;
        }
        if (!final && '<think>'.startsWith(lead)) return out;
        // The first line with text decides; blank lines before it stay with code (raw mode).
        const nl = pending.indexOf('\n', pending.length - lead.length);
        const line = nl < 0 ? undefined : pending.slice(pending.length - lead.length, nl);
        if (line === undefined && !final && pending.length < DECIDE_CHARS && !looksLikeCodeStart(lead)) return out;
        const text = line ?? lead;
        if (/^\s*`{3,}/.test(text)) {
          if (line === undefined && !final) return out;
          pending = line === undefined ? '' : pending.slice(nl + 1);
          fenced = true;
          dropped.push('fence');
          state = 'signature';
          continue;
        }
        if (looksLikeProse(text) && (line !== undefined || final)) {
          pending = line === undefined ? '' : pending.slice(nl + 1);
          dropped.push('prose');
          continue;
        }
        state = 'signature';
        continue;
      }
      if (state === 'signature') {
        if (pending.trim() === '' && !final) return out;
        const sig = signatureLength(pending, headSquashed, target.name);
        if (sig === 'undecided' && !final) return out;
        if (typeof sig === 'number') {
          pending = pending.slice(sig);
          restated = true;
          dropped.push('signature');
        }
        state = restated && prefixSquashed !== '' ? 'prefix' : 'body';
        continue;
      }
      if (state === 'prefix') {
        // A restated function holds the accepted statements again: drop them once.
        const taken = squashedPrefixLength(pending, prefixSquashed);
        if (taken === 'undecided' && !final) return out;
        if (typeof taken === 'number') {
          pending = pending.slice(taken);
          dropped.push('prefix');
        }
        state = 'body';
        continue;
      }
      if (state === 'body') {
        if (!fenced) {
          out += pending;
          pending = '';
          return out;
        }
        const fence = /(^|\n)[ \t]*`{3,}/.exec(pending);
        if (fence) {
          out += pending.slice(0, fence.index + fence[1].length);
          pending = '';
          state = 'done';
          // A fence holding only the body ends it; a restated function closed itself already.
          if (!restated) out += '\n}';
          return out;
        }
        // Hold back the last line while it could still become a closing fence.
        const cut = pending.lastIndexOf('\n');
        const tail = cut < 0 ? pending : pending.slice(cut + 1);
        if (!final && tail.length > 0 && /^[ \t]*`{0,2}$/.test(tail)) {
          const keep = cut < 0 ? 0 : cut + 1;
          out += pending.slice(0, keep);
          pending = pending.slice(keep);
          return out;
        }
        out += pending;
        pending = '';
        return out;
      }
      pending = '';
      return out;
    }
  }

  return {
    push(chunk) {
      if (state === 'done') return '';
      pending += chunk;
      return step(false);
    },
    end() {
      if (state === 'done') return '';
      return step(true);
    },
    dropped,
  };
}

function firstLine(text: string): string | undefined {
  const nl = text.indexOf('\n');
  return nl < 0 ? undefined : text.slice(0, nl);
}

function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A first line that is clearly code can be passed on before its newline arrives. */
function looksLikeCodeStart(lead: string): boolean {
  return /^(const|let|var|if|for|while|return|await|try|throw|switch|do)\b[\s(]/.test(lead) || /^[a-z_$][\w$]*(\.[\w$]+)*\s*[.(=]/.test(lead);
}

/** A sentence, not code: "Here is the secure version:", "This uses a parameterised query." */
export function looksLikeProse(line: string): boolean {
  const t = line.trim();
  if (t === '') return false;
  if (/^(\*\*|#+\s|[-*]\s\S|\d+\.\s)/.test(t)) return true; // Markdown: bold, heading, list
  if (/^(\/\/|\/\*|\*|[{}()[\]'"`;<])/.test(t)) return false;
  if (/[;{}]$|=>|^\w+\s*=|\)\s*;?$/.test(t)) return false;
  if (/^(const|let|var|if|for|while|return|await|try|catch|throw|switch|case|do|else|function|async|import|export|class|new)\b/.test(t)) return false;
  const words = t.split(/\s+/);
  if (/^[A-Z][A-Za-z'’]*[,!.:]?$/.test(words[0] ?? '') && words.length >= 3) return true;
  return /:$/.test(t) && words.length >= 3 && !/[=(]/.test(t);
}

/** Length of a restated signature at the start of `text` (through its `{` and line end), or
 *  undefined when the text does not start with one, or 'undecided' while it may still become one. */
function signatureLength(text: string, headSquashed: string, name: string | undefined): number | undefined | 'undecided' {
  const lead = text.length - text.trimStart().length;
  const body = text.slice(lead);
  // The head as written, possibly reformatted: compare without whitespace.
  let i = 0;
  let j = 0;
  while (i < body.length && j < headSquashed.length) {
    if (/\s/.test(body[i] ?? '')) {
      i++;
      continue;
    }
    if (body[i] !== headSquashed[j]) break;
    i++;
    j++;
  }
  if (j === headSquashed.length) return lead + i + lineRest(body, i);
  if (i === body.length) return 'undecided';
  // Otherwise the first line: a signature naming the function, or ending with the head's arrow part.
  const line = firstLine(body);
  if (line === undefined) return body.length < DECIDE_CHARS ? 'undecided' : undefined;
  const flat = squash(line);
  const endsLikeHead = headSquashed.length > 0 && flat.endsWith(headSquashed);
  const names = name !== undefined && name !== '' && new RegExp(`(^|[^\\w$])${name.replace(/[$]/g, '\\$')}\\s*[(=:]|function\\s*\\*?\\s*${name.replace(/[$]/g, '\\$')}\\b`).test(line);
  if ((endsLikeHead || (names && /(function|=>|\))/.test(line))) && /\{\s*$/.test(line)) return lead + line.length + 1;
  return undefined;
}

/** After `at` (just past the `{`), the rest of that line if it is blank. */
function lineRest(text: string, at: number): number {
  const m = /^[ \t]*\n/.exec(text.slice(at));
  return m ? m[0].length : 0;
}

/** Characters of `text` that spell `prefixSquashed` ignoring whitespace, or undefined when it
 *  does not start with it, or 'undecided' while too little has arrived. */
function squashedPrefixLength(text: string, prefixSquashed: string): number | undefined | 'undecided' {
  let j = 0;
  let i = 0;
  for (; i < text.length && j < prefixSquashed.length; i++) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) continue;
    if (c !== prefixSquashed[j]) return undefined;
    j++;
  }
  if (j < prefixSquashed.length) return 'undecided';
  return i;
}
