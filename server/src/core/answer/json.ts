// Finding the JSON in a model's answer. With a structured-output constraint a model answers bare
// JSON; without one (older Ollama versions, servers that ignore response_format, models that do
// not follow it) it often wraps the JSON in a Markdown fence, reasons first in a <think> block, or
// adds a sentence before or after. This returns the first complete JSON object in the answer.

export type JsonAnswer = { ok: true; value: unknown; wrapped: boolean } | { ok: false; problem: string };

export function extractJsonAnswer(text: string): JsonAnswer {
  const plain = stripThinking(text).trim();
  try {
    return { ok: true, value: JSON.parse(plain), wrapped: plain !== text.trim() };
  } catch (error) {
    const first = error instanceof Error ? error.message : String(error);
    // A fenced block first (```json … ```), then any balanced object in the text.
    const candidates: string[] = [];
    for (const m of plain.matchAll(/(`{3,})[\w-]*[ \t]*\n([\s\S]*?)\n?\1/g)) candidates.push(m[2] ?? '');
    for (let at = plain.indexOf('{'); at >= 0 && candidates.length < 20; at = plain.indexOf('{', at + 1)) {
      const end = balancedEnd(plain, at);
      if (end !== undefined) {
        candidates.push(plain.slice(at, end));
        at = end - 1;
      }
    }
    for (const candidate of candidates) {
      try {
        const value: unknown = JSON.parse(candidate.trim());
        if (value !== null && typeof value === 'object') return { ok: true, value, wrapped: true };
      } catch {
        // try the next one
      }
    }
    return { ok: false, problem: `the answer is not JSON (${first})` };
  }
}

/** Removes <think>…</think> reasoning blocks (qwen3, deepseek-r1 …), and an unclosed one at the end. */
export function stripThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, '').replace(/<think>[\s\S]*$/, '');
}

/** The end (exclusive) of the JSON object or array starting at `start`, skipping strings. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}
