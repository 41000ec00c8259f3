// A stand-in OpenAI-compatible server (as vLLM, llama.cpp's server and LM Studio expose) on
// 127.0.0.1, for the real `openai` client: GET /v1/models, and POST /v1/chat/completions streamed
// as server-sent events ("data: {chunk}\n\n" … "data: [DONE]\n\n", Content-Type
// text/event-stream), with a usage chunk when stream_options.include_usage is set, and errors as
// {"error": {"message", "type", "code"}} with an HTTP status before the first chunk.
// It runs the same simulated models as the test Ollama (see ../fake-ollama/models.js): a model
// sees { endpoint: 'chat', messages, format, options } where format is response_format's schema.
//
// Options: models (name → simulated model); jsonSchema: false makes it refuse response_format
// json_schema with a 400, as servers with only JSON mode do; apiKey: requests without
// "Authorization: Bearer <apiKey>" get a 401.
'use strict';

const http = require('node:http');
const { FakeOllamaError, FLUSH, CRASH } = require('../fake-ollama/models.js');
const { countPromptTokens } = require('../fake-ollama/prompt.js');

async function startFakeOpenAi(options = {}) {
  const registry = new Map(Object.entries(options.models ?? {}).map(([name, model]) => [name, { model, calls: 0 }]));
  const state = { requests: [], nextId: 1 };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, String(error?.message ?? error));
      else res.destroy();
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const record = { id: state.nextId++, method: req.method, path: url.pathname, body: undefined, status: undefined,
      authorization: req.headers.authorization, aborted: false, completed: false, chunks: 0, text: '' };
    state.requests.push(record);
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished && !record.crashed) {
        record.aborted = true;
        ac.abort();
      }
    });
    const raw = await readBody(req);
    if (raw) {
      try {
        record.body = JSON.parse(raw);
      } catch {
        return sendError(res, 400, 'We could not parse the JSON body of your request.', record);
      }
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', record, 'invalid_request_error', 'invalid_api_key');
    }
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /v1/models') {
      record.status = 200;
      return sendJson(res, 200, { object: 'list', data: [...registry.keys()].map((id) => ({ id, object: 'model', created: 1767225600, owned_by: 'organization-owner' })) });
    }
    if (route === 'POST /v1/chat/completions') return chat(record, res, ac.signal);
    return sendError(res, 404, `Unknown request URL: ${req.method} ${url.pathname}.`, record);
  }

  async function chat(record, res, signal) {
    const body = record.body ?? {};
    const entry = registry.get(body.model);
    if (!entry) return sendError(res, 404, `The model \`${body.model}\` does not exist.`, record, 'invalid_request_error', 'model_not_found');
    const rf = body.response_format;
    if (rf?.type === 'json_schema' && options.jsonSchema === false) {
      return sendError(res, 400, "'response_format.type' json_schema is not supported by this server; use json_object.", record);
    }
    const request = {
      endpoint: 'chat', model: body.model, messages: body.messages ?? [],
      format: rf?.type === 'json_schema' ? rf.json_schema?.schema : rf?.type === 'json_object' ? 'json' : undefined,
      options: { seed: body.seed, temperature: body.temperature, num_predict: body.max_tokens, stop: body.stop },
    };
    record.request = request;
    const created = Math.floor(Date.now() / 1000);
    const id = `chatcmpl-${record.id}`;
    const chunk = (delta, finish = null) => ({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] });
    const send = (value) => res.write(`data: ${JSON.stringify(value)}\n\n`);
    const headers = () => {
      if (res.headersSent) return;
      record.status = 200;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.flushHeaders();
      send(chunk({ role: 'assistant', content: '' }));
    };
    const limit = body.max_tokens > 0 ? body.max_tokens : Infinity;
    let finish = 'stop';
    const ctx = { signal, call: entry.calls++, record };
    const iterator = entry.model(request, ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const step = await iterator.next();
        if (signal.aborted) return;
        if (step.done) break;
        if (step.value === FLUSH) {
          headers();
          continue;
        }
        if (step.value === CRASH) {
          record.crashed = true;
          res.socket?.destroy();
          return;
        }
        headers();
        const piece = String(step.value);
        record.text += piece;
        record.chunks++;
        send(chunk({ content: piece }));
        if (record.chunks >= limit) {
          finish = 'length';
          break;
        }
      }
    } catch (error) {
      const message = String(error?.message ?? error);
      record.error = message;
      if (res.headersSent) {
        send({ error: { message, type: 'server_error', code: null } });
        return res.end();
      }
      return sendError(res, error instanceof FakeOllamaError ? error.status : 500, message, record, 'server_error');
    }
    headers();
    send(chunk({}, finish));
    if (body.stream_options?.include_usage) {
      const prompt = (body.messages ?? []).map((m) => m.content).join('');
      const usage = { prompt_tokens: countPromptTokens(prompt), completion_tokens: record.chunks, total_tokens: countPromptTokens(prompt) + record.chunks };
      send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage });
    }
    res.write('data: [DONE]\n\n');
    record.completed = true;
    record.finish = finish;
    res.end();
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests: state.requests,
    completions: () => state.requests.filter((r) => r.path === '/v1/chat/completions'),
    async waitFor(predicate, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(state.requests)) {
        if (Date.now() > deadline) throw new Error('fake OpenAI server: condition not met in time');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sendError(res, status, message, record, type = 'invalid_request_error', code = null) {
  if (record) record.status = status;
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

module.exports = { startFakeOpenAi };
