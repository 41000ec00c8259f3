// The test Ollama: an HTTP server on 127.0.0.1 that speaks Ollama's API (docs/api.md in
// ollama/ollama) to the real `ollama` client, with simulated models and a record of every request.
//
// Faithfulness choices, so tests exercise the client as a real server would:
// - /api/generate and /api/chat stream NDJSON (Content-Type application/x-ndjson) unless
//   "stream": false, which is Ollama's default when the field is absent. Each partial line holds
//   model, created_at (RFC 3339), response (generate) or message {role, content} (chat), done:false.
//   The final line has done:true, done_reason ("stop", "length" when num_predict is reached,
//   "load" for an empty prompt), total_duration, load_duration, prompt_eval_count,
//   prompt_eval_duration, eval_count, eval_duration (nanoseconds) and, for generate, context.
//   eval_count counts the chunks sent; prompt_eval_count is about four characters per token.
// - Headers go out with the first chunk, as in Ollama: an error before it is an HTTP status with
//   {"error": "..."} as JSON (400 "model is required", 404 `model "x" not found, try pulling it
//   first`, 503 "server busy, …", 500); an error after it is an {"error": "..."} line and the end
//   of the stream with status 200.
// - Model names without a tag mean ":latest". /api/show answers 404 {"error": "model 'x' not
//   found"}; unknown paths answer 404 with gin's plain-text "404 page not found".
// - options.stop ends the answer before the stop text (a stop text split across chunks may leave
//   its first part in the answer; Ollama holds such parts back); options.num_predict caps chunks. `format`
//   is not enforced (a simulated model may break it on purpose); records say when it was broken.
// - A client that disconnects stops the generation, and its record says aborted: true.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { FakeOllamaError, FLUSH, CRASH, BUSY_MESSAGE, sleep } = require('./models.js');
const { countPromptTokens } = require('./prompt.js');

const VERSION = '0.12.6';
const ABORTED = Symbol('aborted');

function normaliseName(name) {
  return name.includes(':') ? name : `${name}:latest`;
}

/**
 * @param {{ models?: Record<string, Function>, maxQueue?: number, loadDelayMs?: number, port?: number,
 *           modelInfo?: Record<string, object> }} [options]
 *   models: name → simulated model; maxQueue: answer 503 once this many generations run;
 *   loadDelayMs: delay before a model's first answer (it then stays loaded); port: 0 (any free
 *   port) unless a test needs a fixed one, e.g. to bring a "restarted" server back; modelInfo:
 *   name → what /api/show and /api/tags say about that model (see setModel).
 */
async function startFakeOllama(options = {}) {
  const registry = new Map();
  const state = { requests: [], inFlight: 0, generating: 0, maxGenerating: 0, nextId: 1 };
  const fake = {};

  /** info: what /api/show and /api/tags say about the model: { template, capabilities,
   *  contextLength, digest }; by default a completion model ("{{ .Prompt }}"), 32768 tokens. */
  function setModel(name, model, info = options.modelInfo?.[name] ?? {}) {
    registry.set(normaliseName(name), { model, calls: 0, loaded: false, info, digest: info.digest ?? crypto.createHash('sha256').update(name).digest('hex') });
  }
  for (const [name, model] of Object.entries(options.models ?? {})) setModel(name, model);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error?.message ?? error) });
      else res.destroy();
    });
  });
  // Ollama (Go's http.Server with no idle timeout) keeps idle keep-alive connections open. Node
  // closes them after 5 s by default, and a client that reuses one at that moment sees a reset:
  // on a loaded machine that happened between two functions of one run.
  server.keepAliveTimeout = 0;

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const record = { id: state.nextId++, method: req.method, path: url.pathname, body: undefined, status: undefined,
      startedAt: Date.now(), endedAt: undefined, aborted: false, completed: false, chunks: 0, text: '' };
    state.requests.push(record);
    state.inFlight++;
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished && !record.crashed) {
        record.aborted = true;
        ac.abort();
      }
      record.endedAt = Date.now();
      state.inFlight--;
    });
    const raw = await readBody(req);
    if (raw) {
      try {
        record.body = JSON.parse(raw);
      } catch (error) {
        return sendJson(res, 400, { error: `invalid character in request body: ${error.message}` }, record);
      }
    }
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        return sendText(res, 200, 'Ollama is running', record);
      case 'GET /api/version':
        return sendJson(res, 200, { version: VERSION }, record);
      case 'GET /api/tags':
        return sendJson(res, 200, { models: [...registry.keys()].map((n) => describe(n)) }, record);
      case 'GET /api/ps':
        return sendJson(res, 200, { models: [...registry.entries()].filter(([, m]) => m.loaded).map(([n]) => describe(n)) }, record);
      case 'POST /api/show':
        return show(record, res);
      case 'POST /api/generate':
      case 'POST /api/chat':
        return generate(url.pathname.slice(5), record, res, ac.signal);
      default:
        return sendText(res, 404, '404 page not found', record);
    }
  }

  function describe(name) {
    const entry = registry.get(name);
    return {
      name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 4_683_087_332, digest: entry.digest,
      details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
    };
  }

  function show(record, res) {
    const name = record.body?.model ?? record.body?.name;
    if (!name) return sendJson(res, 400, { error: 'model is required' }, record);
    if (!registry.has(normaliseName(name))) return sendJson(res, 404, { error: `model '${name}' not found` }, record);
    const { details } = describe(normaliseName(name));
    const { info } = registry.get(normaliseName(name));
    return sendJson(res, 200, {
      license: '', modelfile: `FROM ${name}\n`, parameters: 'temperature 0.7', template: info.template ?? '{{ .Prompt }}',
      details, model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': info.contextLength ?? 32768 },
      capabilities: info.capabilities ?? ['completion', 'tools'], modified_at: '2026-01-01T00:00:00Z',
    }, record);
  }

  async function generate(endpoint, record, res, signal) {
    const body = record.body ?? {};
    if (!body.model) return sendJson(res, 400, { error: 'model is required' }, record);
    const entry = registry.get(normaliseName(body.model));
    if (!entry) return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` }, record);
    if (options.maxQueue !== undefined && state.generating >= options.maxQueue) {
      return sendJson(res, 503, { error: BUSY_MESSAGE }, record);
    }
    const request = { endpoint, model: body.model, prompt: body.prompt, suffix: body.suffix, system: body.system, messages: body.messages,
      options: body.options ?? {}, format: body.format, raw: body.raw === true };
    record.request = request;
    const stream = body.stream !== false;
    const started = process.hrtime.bigint();
    const empty = endpoint === 'generate' ? !body.prompt : !(body.messages?.length > 0);
    if (empty) {
      record.doneReason = 'load';
      return sendJson(res, 200, { ...partial(endpoint, body.model, ''), done: true, done_reason: 'load' }, record);
    }
    state.generating++;
    state.maxGenerating = Math.max(state.maxGenerating, state.generating);
    try {
      let loadNs = 0n;
      if (!entry.loaded && options.loadDelayMs) {
        await sleep(options.loadDelayMs, signal);
        loadNs = BigInt(options.loadDelayMs) * 1_000_000n;
      }
      entry.loaded = true;
      if (signal.aborted) return;
      const ctx = { signal, call: entry.calls++, record };
      const evalStarted = process.hrtime.bigint();
      const result = await runModel(entry.model, request, ctx, record, res, stream, endpoint);
      if (result === 'stopped') return;
      const now = process.hrtime.bigint();
      const promptChars = `${body.system ?? ''}${endpoint === 'generate' ? body.prompt : (body.messages ?? []).map((m) => m.content).join('')}`;
      const stats = {
        done: true, done_reason: result, total_duration: Number(now - started), load_duration: Number(loadNs),
        prompt_eval_count: countPromptTokens(promptChars), prompt_eval_duration: Number(evalStarted - started - loadNs),
        eval_count: record.chunks, eval_duration: Number(now - evalStarted),
      };
      if (endpoint === 'generate') stats.context = [151644, 872, 198, record.chunks];
      record.doneReason = result;
      if (request.format && result !== 'length') {
        try {
          JSON.parse(record.text);
        } catch {
          record.formatViolation = true;
        }
      }
      record.completed = true;
      if (stream) {
        ensureHeaders(res, record);
        res.end(`${JSON.stringify({ ...partial(endpoint, body.model, ''), ...stats })}\n`);
      } else {
        sendJson(res, 200, { ...partial(endpoint, body.model, record.text), ...stats }, record);
      }
    } finally {
      state.generating--;
    }
  }

  /** Feeds the model's chunks to the client; returns the done_reason, or 'stopped' when the
   *  answer ended otherwise (abort, crash, error already sent). */
  async function runModel(model, request, ctx, record, res, stream, endpoint) {
    const iterator = model(request, ctx)[Symbol.asyncIterator]();
    const aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(ABORTED), { once: true }));
    const stops = Array.isArray(request.options.stop) ? request.options.stop.filter(Boolean) : [];
    const numPredict = request.options.num_predict > 0 ? request.options.num_predict : Infinity;
    const close = () => void iterator.return?.()?.catch?.(() => {});
    try {
      for (;;) {
        const step = await Promise.race([iterator.next(), aborted]);
        if (step === ABORTED) return close(), 'stopped';
        if (step.done) return 'stop';
        if (step.value === FLUSH) {
          if (stream) ensureHeaders(res, record);
          continue;
        }
        if (step.value === CRASH) {
          record.crashed = true;
          close();
          res.socket?.destroy();
          return 'stopped';
        }
        let piece = String(step.value);
        const combined = record.text + piece;
        const hits = stops.map((s) => combined.indexOf(s, Math.max(0, record.text.length - s.length + 1))).filter((i) => i >= 0);
        const stopAt = hits.length > 0 ? Math.min(...hits) : -1;
        if (stopAt >= 0) piece = combined.slice(record.text.length, Math.max(stopAt, record.text.length));
        if (piece) {
          record.text += piece;
          record.chunks++;
          if (stream) {
            ensureHeaders(res, record);
            res.write(`${JSON.stringify({ ...partial(endpoint, request.model, piece), done: false })}\n`);
          }
        }
        if (stopAt >= 0) return close(), 'stop';
        if (record.chunks >= numPredict) return close(), 'length';
      }
    } catch (error) {
      const message = String(error?.message ?? error);
      record.error = message;
      if (res.headersSent) {
        res.end(`${JSON.stringify({ error: message })}\n`);
      } else {
        const status = error instanceof FakeOllamaError ? error.status : 500;
        if (error?.contentType) sendText(res, status, message, record, error.contentType);
        else sendJson(res, status, { error: message }, record);
      }
      return 'stopped';
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const host = `http://127.0.0.1:${port}`;

  // Copied as descriptors, so the getters stay live.
  return Object.defineProperties(fake, Object.getOwnPropertyDescriptors({
    host,
    port,
    /** Every request, in arrival order: { id, method, path, body, request, status, startedAt,
     *  endedAt, aborted, completed, crashed, chunks, text, doneReason, error, formatViolation, triggered }. */
    requests: state.requests,
    setModel,
    /** A model pulled again: same name, new digest. */
    repull: (name, digest) => {
      const entry = registry.get(normaliseName(name));
      if (entry) entry.digest = digest;
    },
    removeModel: (name) => registry.delete(normaliseName(name)),
    /** Requests to /api/generate and /api/chat only. */
    generations: () => state.requests.filter((r) => r.path === '/api/generate' || r.path === '/api/chat'),
    /** The most generations that ran at the same moment. */
    get maxConcurrent() {
      return state.maxGenerating;
    },
    get inFlight() {
      return state.inFlight;
    },
    /** Resolves once `predicate(requests)` holds; rejects after `timeoutMs`. */
    async waitFor(predicate, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(state.requests)) {
        if (Date.now() > deadline) throw new Error('fake Ollama: condition not met in time');
        await sleep(5);
      }
    },
    /** Resolves once no request is in flight. */
    idle(timeoutMs = 2000) {
      return fake.waitFor(() => state.inFlight === 0, timeoutMs);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  }));
}

function partial(endpoint, model, text) {
  const base = { model, created_at: new Date().toISOString() };
  return endpoint === 'generate' ? { ...base, response: text } : { ...base, message: { role: 'assistant', content: text } };
}

function ensureHeaders(res, record) {
  if (res.headersSent) return;
  record.status = 200;
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  res.flushHeaders();
}

function sendJson(res, status, value, record) {
  if (record) record.status = status;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function sendText(res, status, text, record, contentType = 'text/plain; charset=utf-8') {
  if (record) record.status = status;
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

module.exports = { startFakeOllama, normaliseName };
