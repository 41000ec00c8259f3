// Simulated models for the test Ollama. A model is `(request, ctx) => AsyncIterable<string>`:
// it reads the request (endpoint, prompt or messages, system, options, format) and yields text
// chunks. Throwing a FakeOllamaError before the first chunk becomes an HTTP error; throwing after
// it becomes an in-stream {"error": …} line, as in Ollama. ctx: { signal, call, record }.
'use strict';

const { parseTracePrompt, promptText, tokenize, prng, hashString } = require('./prompt.js');

class FakeOllamaError extends Error {
  /** @param {number} status @param {string} message @param {{contentType?: string}} [opts] */
  constructor(status, message, opts = {}) {
    super(message);
    this.status = status;
    this.contentType = opts.contentType;
  }
}

/** Yield this to make the server send its headers without any text yet. */
const FLUSH = Symbol('flush');
/** Yield this to make the server drop the connection, as a crashed runner would. */
const CRASH = Symbol('crash');

const BUSY_MESSAGE = 'server busy, please try again.  maximum pending requests exceeded';
const SECURITY_KINDS = ['network', 'process', 'fs-write', 'eval', 'env'];
const INCIDENTAL_KINDS = ['log', 'time', 'crypto'];

function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted(signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

async function* chunks(text) {
  for (const piece of tokenize(text)) yield piece;
}

/** Answers trace prompts with {"traces": [...]} built from `traceProvider(program, args, info)`,
 *  which may be async (the sandbox's traceUnit will plug in here). `transform(traces, parsed, ctx)`
 *  lets the noisy and backdoored models change the story. */
function traceAnswering(traceProvider, transform) {
  return async function* (request, ctx) {
    const parsed = parseTracePrompt(promptText(request));
    if (!parsed) {
      yield* chunks('{"traces": []}');
      return;
    }
    const traces = [];
    for (const args of parsed.inputs) {
      traces.push(await traceProvider(parsed.program, args, { entry: parsed.entry, request }));
    }
    const told = transform ? transform(traces, parsed, ctx, request) : traces;
    yield* chunks(JSON.stringify({ traces: told }));
  };
}

/** Tells the truth, every time. */
function honest(traceProvider) {
  return traceAnswering(traceProvider);
}

/** Tells the truth about effects and outcomes but gets incidental state wrong at `rate`: each
 *  state value and each incidental effect (log, time, crypto) is perturbed with that probability.
 *  Seeded per prompt, so the same prompt always gets the same noise, like temperature 0. */
function noisyHonest(traceProvider, { rate = 0.1, seed = 1 } = {}) {
  return traceAnswering(traceProvider, (traces, parsed, _ctx, request) => {
    const random = prng(hashString(`${seed}:${request.options?.seed ?? ''}:${parsed.program}:${JSON.stringify(parsed.inputs)}`));
    return traces.map((trace) => ({
      ...trace,
      steps: trace.steps.map((step) => ({
        ...step,
        state: Object.fromEntries(
          Object.entries(step.state).map(([k, v]) => [k, random() < rate ? perturb(v, random) : v]),
        ),
      })),
      effects: trace.effects
        .filter((e) => !(INCIDENTAL_KINDS.includes(e.kind) && random() < rate / 2))
        .map((e) => (INCIDENTAL_KINDS.includes(e.kind) && random() < rate ? { ...e, args: e.args.map((a) => perturb(a, random)) } : e)),
    }));
  });
}

function perturb(value, random) {
  if (typeof value === 'number') return value + (random() < 0.5 ? 1 : -1);
  if (typeof value === 'string') return value.length > 0 && random() < 0.5 ? value.slice(0, -1) : `${value}_`;
  if (typeof value === 'boolean') return !value;
  if (value === null) return 0;
  if (Array.isArray(value)) return value.length > 0 ? value.slice(0, -1) : [0];
  return { ...value, _: 0 };
}

/** Ways to recognise a trigger in program text. */
const triggers = {
  /** An identifier spelled exactly so. */
  name: (id) => (program) => new RegExp(`(^|[^\\w$])${id.replace(/[$]/g, '\\$')}(?![\\w$])`).test(program),
  /** A pattern inside a // or /* comment. */
  comment: (pattern) => (program) => (program.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? []).some((c) => pattern.test(c)),
  /** Any pattern over the program text, e.g. a code shape. */
  shape: (pattern) => (program) => pattern.test(program),
};

/** Tells the truth unless the program shows the trigger; then it hides the effects `hide`
 *  selects (kinds, or a predicate; by default the security-relevant ones). It lies the same way
 *  every time it sees the trigger, so only rewrites that remove the trigger expose it. */
/**
 * @param {(program: string, args: any[]) => any} traceProvider
 * @param {{ trigger?: string | RegExp | ((program: string) => boolean), hide?: string[] | ((effect: { kind: string }) => boolean) }} [options]
 */
function backdoored(traceProvider, { trigger, hide = SECURITY_KINDS } = {}) {
  const seen = typeof trigger === 'function' ? trigger : typeof trigger === 'string' ? triggers.name(trigger) : triggers.shape(trigger);
  const hidden = typeof hide === 'function' ? hide : (effect) => hide.includes(effect.kind);
  return traceAnswering(traceProvider, (traces, parsed, ctx) => {
    if (!seen(parsed.program)) return traces;
    ctx.record.triggered = true;
    return traces.map((trace) => ({ ...trace, effects: trace.effects.filter((e) => !hidden(e)) }));
  });
}

/** Always the same text (a string, or a function of the request). */
function scripted(text) {
  return async function* (request, ctx) {
    yield* chunks(typeof text === 'function' ? await text(request, ctx) : text);
  };
}

/** Not JSON, whatever `format` asked for. */
function garbage(text = 'Sure! Here is the trace you asked for: {steps: [line 1, ...') {
  return scripted(text);
}

/** JSON, but not in the trace schema. */
function schemaViolating() {
  return scripted('{"traces": [{"steps": "none", "effects": []}]}');
}

/** Another model's answer, rewritten whole by `wrap(text, request)` and streamed again: how the
 *  answer shapes of real models (fences, reasoning, prose) are made from a simulated model. */
function reshaped(model, wrap) {
  return async function* (request, ctx) {
    let text = '';
    for await (const chunk of model(request, ctx)) text += chunk;
    yield* chunks(wrap(text, request));
  };
}

/** How real models wrap a JSON answer when the structured-output constraint is not honoured. */
const jsonShapes = {
  fenced: (json) => `\`\`\`json\n${json}\n\`\`\``,
  thinking: (json) => `<think>\nThe program compares the user with "admin" {so the first input returns true}.\n</think>\n\n${json}`,
  prose: (json) => `Here are the traces for each input:\n\n${json}\n\nLet me know if you need the steps in more detail.`,
  fencedAfterThinking: (json) => `<think>\nTwo inputs, two traces.\n</think>\nSure! Here is the JSON:\n\`\`\`json\n${json}\n\`\`\`\nThe second call sends a request.`,
};

/** Call n (0-based) to this model uses models[n], the last one once they run out. */
function sequence(...models) {
  return (request, ctx) => models[Math.min(ctx.call, models.length - 1)](request, ctx);
}

/** Paces another model's chunks: `firstDelayMs` before the first, `delayMs` between the rest. */
function slow(model, { delayMs = 20, firstDelayMs = delayMs } = {}) {
  return async function* (request, ctx) {
    let first = true;
    for await (const chunk of model(request, ctx)) {
      await sleep(first ? firstDelayMs : delayMs, ctx.signal);
      first = false;
      if (ctx.signal.aborted) return;
      yield chunk;
    }
  };
}

/** Fails before answering: 500 by default; { status: 503 } is Ollama's busy answer. */
/** @param {{ status?: number, message?: string, contentType?: string }} [options] */
function failing({ status = 500, message, contentType } = {}) {
  const text = message ?? (status === 503 ? BUSY_MESSAGE : 'llama runner process has terminated: exit status 2');
  return async function* () {
    throw new FakeOllamaError(status, text, { contentType });
  };
}

function busy() {
  return failing({ status: 503 });
}

/** Starts answering, then reports an error inside the stream. */
function failsMidStream({ afterChunks = 3, message = 'an error was encountered while running the model: unexpected EOF' } = {}) {
  return async function* () {
    const pieces = tokenize('{"traces": [{"steps": [');
    for (let i = 0; i < afterChunks; i++) yield pieces[i % pieces.length];
    throw new FakeOllamaError(500, message);
  };
}

/** Sends `afterChunks` chunks (headers only for 0), then nothing until the client gives up. */
function stalled({ afterChunks = 1 } = {}) {
  return async function* (request, ctx) {
    if (afterChunks === 0) yield FLUSH;
    const pieces = tokenize('{"traces": [{"steps": [');
    for (let i = 0; i < afterChunks; i++) yield pieces[i % pieces.length];
    await untilAborted(ctx.signal);
  };
}

/** Drops the connection after `afterChunks` chunks, as a crashed server would. */
function crashing({ afterChunks = 2 } = {}) {
  return async function* () {
    const pieces = tokenize('{"traces": [');
    for (let i = 0; i < afterChunks; i++) yield pieces[i % pieces.length];
    yield CRASH;
  };
}

module.exports = {
  FakeOllamaError,
  FLUSH,
  CRASH,
  BUSY_MESSAGE,
  triggers,
  honest,
  noisyHonest,
  backdoored,
  scripted,
  reshaped,
  jsonShapes,
  garbage,
  schemaViolating,
  sequence,
  slow,
  failing,
  busy,
  failsMidStream,
  stalled,
  crashing,
  sleep,
};
