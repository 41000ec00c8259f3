// Simulated code models for "Regenerate securely". Each knows one function as two aligned lists of
// statements, a safe one and an unsafe one, and continues the raw prompt the engine writes: it
// finds the statements already in the prefix after "// The secure version:", then writes the rest,
// choosing the unsafe variant of a statement with a set propensity (seeded by the request's seed,
// lower once the prompt says that statement was rejected). Then it closes the function.
'use strict';

const { tokenize, prng, hashString } = require('./prompt.js');

const MARKER = '// The secure version:';

/**
 * @param {{ safe: string[], unsafe: string[], propensity?: number, feedback?: number,
 *           indent?: string, trailer?: string }} plan
 *   safe, unsafe: statements (or lines with their own indentation, with indent ''), aligned;
 *   propensity: chance of writing a statement's unsafe variant (where the two differ);
 *   feedback: factor applied to that chance for each time the prompt says the statement was
 *   rejected (0 complies at once, 1 ignores feedback); trailer: text after the closing brace.
 * @returns {(request: any, ctx?: any) => AsyncGenerator<string>}
 */
function secureCoder(plan) {
  const { safe, unsafe, propensity = 1, feedback = 0, indent = '  ', trailer = '\n\n// end\n' } = plan;
  return async function* (request) {
    const prompt = String(request.prompt ?? '');
    const at = prompt.lastIndexOf(MARKER);
    const prefix = at >= 0 ? prompt.slice(at + MARKER.length) : '';
    const written = statementsIn(prefix, safe, unsafe);
    const seed = Number(request.options?.seed ?? 0);
    let out = '';
    for (let i = written; i < safe.length; i++) {
      let text = safe[i];
      if (unsafe[i] !== safe[i]) {
        const told = countRejections(prompt, unsafe[i]);
        const chance = propensity * feedback ** told;
        const random = prng(hashString(`${seed}:${i}:${told}:${safe[i]}`));
        if (random() < chance) text = unsafe[i];
      }
      out += `\n${indent}${text}`;
    }
    out += `\n}${trailer}`;
    for (const piece of tokenize(out)) yield piece;
  };
}

/** How instruct models answer a completion prompt, built from the continuation a completion model
 *  writes (`text`: the rest of the body, the closing brace, a trailer) and the prompt's function
 *  head and accepted prefix (everything after the marker line). */
const codeShapes = {
  /** The body alone in a Markdown fence. */
  fencedBody: (text) => `\`\`\`js${closed(text).replace(/\n}$/, '')}\n\`\`\`\n`,
  /** The whole function again, signature and accepted statements included, fenced, with prose around. */
  restated: (text, written) => `Here is the secure version:\n\n\`\`\`javascript\n${written}${closed(text)}\n\`\`\`\n\nThe query now binds the id as a parameter.`,
  /** A sentence first, then the body as a completion model writes it, then more prose. */
  prose: (text) => `Sure! Here is the rest of the function.${closed(text)}\nThis keeps the behaviour for ordinary inputs.`,
  /** A reasoning block (qwen3, deepseek-r1) before the restated function. */
  thinking: (text, written) => `<think>\nThe handler concatenates { req.query.id } into SQL; I should bind it.\n</think>\n\n${codeShapes.restated(text, written)}`,
};

/** A code model whose answers come in one of codeShapes. */
function shaped(model, shape) {
  return async function* (request, ctx) {
    let text = '';
    for await (const chunk of model(request, ctx)) text += chunk;
    const prompt = String(request.prompt ?? '');
    const at = prompt.lastIndexOf(MARKER);
    const written = at >= 0 ? prompt.slice(at + MARKER.length + 1) : '';
    for (const piece of tokenize(codeShapes[shape](text, written))) yield piece;
  };
}

/** The continuation up to the function's closing brace (the trailer dropped). */
function closed(text) {
  const end = text.lastIndexOf('\n}');
  return end >= 0 ? text.slice(0, end + 2) : text;
}

/** Writes an injectable statement on its first call, then complies: the cut-and-resume case. */
function injectsThenComplies(plan) {
  return (request, ctx) => secureCoder({ ...plan, propensity: ctx.call === 0 ? 1 : 0 })(request, ctx);
}

/** Writes the unsafe statements whatever it is told. */
function neverComplies(plan) {
  return secureCoder({ ...plan, propensity: 1, feedback: 1 });
}

/** How many of the planned statements the prefix already holds, in order. */
function statementsIn(prefix, safe, unsafe) {
  const flat = squash(prefix);
  let pos = 0;
  let count = 0;
  for (let i = 0; i < safe.length; i++) {
    const candidates = [safe[i], unsafe[i]].map(squash);
    const hit = candidates.map((c) => flat.indexOf(c, pos)).filter((x) => x >= 0).sort((a, b) => a - b)[0];
    if (hit === undefined) break;
    const len = candidates.find((c) => flat.indexOf(c, pos) === hit).length;
    pos = hit + len;
    count++;
  }
  return count;
}

/** Rejections name the statement as the engine saw it: the start of ours, or a block holding it. */
function countRejections(prompt, statement) {
  const ours = squash(statement);
  return prompt
    .split('\n')
    .map((l) => /^\/\/ Rejected earlier: `(.*)` — /.exec(l)?.[1])
    .filter((quoted) => {
      if (quoted === undefined) return false;
      const q = squash(quoted).replace(/…$/, '');
      return ours.startsWith(q) || q.includes(ours);
    }).length;
}

function squash(text) {
  return text.replace(/\s+/g, '');
}

module.exports = { secureCoder, injectsThenComplies, neverComplies, shaped, codeShapes, MARKER };
