// Helpers the simulated models share: reading the trace prompt that server/src/external/llm/ollama/
// prompt.ts writes, splitting answers into token-sized chunks, and a seeded PRNG.
'use strict';
const { prng } = require('../random');

/** Finds the program, entry and inputs in a trace prompt; undefined for any other prompt.
 *  The layout is the contract with prompt.ts: "Program:", a ```js fence (longer when the program
 *  holds backticks), an optional "Entry: name" line, then "Inputs (JSON…):" and one JSON line. */
function parseTracePrompt(text) {
  if (typeof text !== 'string') return undefined;
  const m = /(?:^|\n)Program:\n(`{3,})js\n([\s\S]*?)\n\1\n/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m.index + m[0].length);
  const entry = /^Entry: (.+)$/m.exec(rest.split('Inputs (JSON')[0])?.[1];
  const inputsLine = /Inputs \(JSON[^\n]*\n(.*)\n?/.exec(rest);
  if (!inputsLine) return undefined;
  let inputs;
  try {
    inputs = JSON.parse(inputsLine[1]);
  } catch {
    return undefined;
  }
  if (!Array.isArray(inputs)) return undefined;
  return { program: m[2], entry, inputs };
}

/** The user text of a request: the prompt for /api/generate; for /api/chat the first user
 *  message that holds a trace prompt (a retry appends more messages after it), else the last one. */
function promptText(request) {
  if (request.endpoint === 'generate') return request.prompt ?? '';
  const users = (request.messages ?? []).filter((m) => m.role === 'user').map((m) => String(m.content ?? ''));
  return users.find((u) => parseTracePrompt(u)) ?? users[users.length - 1] ?? '';
}

/** Splits text roughly as a BPE tokenizer would: words with their leading space, short digit
 *  runs, single punctuation marks. Joining the pieces gives the text back. */
function tokenize(text) {
  return text.match(/\s*[A-Za-z_]+|\s*\d{1,3}|\s*[^\sA-Za-z_\d]|\s+/g) ?? [];
}

/** Roughly four characters per token, as Ollama's prompt_eval_count would report. */
function countPromptTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** FNV-1a, to derive a PRNG seed from a prompt so one prompt always gets the same noise. */
function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

module.exports = { parseTracePrompt, promptText, tokenize, countPromptTokens, prng, hashString };
