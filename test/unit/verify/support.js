// Shared set-up for the verification tests (a helper, not a test): the test Ollama with simulated
// models whose traces come from the sandbox, the real Ollama backend, and the real verifyPrepare
// task run in-process.
'use strict';
const { startFakeOllama, models } = require('../../support/fake-ollama');
const { traceUnit } = require('../../../server/dist/external/sandbox/runner.js');
const { createOllamaBackend } = require('../../../server/dist/external/llm/ollama/index.js');
const { verifyPrepare } = require('../../../server/dist/workers/tasks/verify-prepare.js');
const { createModelGate } = require('../../../server/dist/engine/verify/model-gate.js');
const { createVerifier } = require('../../../server/dist/engine/verify/verifier.js');
const { defaultSettings } = require('../../../server/dist/config/validate.js');

const MODEL = 'qwen2.5-coder:7b';

/** The sandbox as a model's source of truth, memoised: the same program and input always run once. */
function sandboxProvider() {
  const memo = new Map();
  return (program, args) => {
    const key = `${program}\u0000${JSON.stringify(args)}`;
    if (!memo.has(key)) memo.set(key, traceUnit(program, args).then(answerable));
    return memo.get(key);
  };
}

/** What a model can be asked for: the sandbox also records comparisons, branch conditions and framework calls,
 *  which are not part of the answer schema. */
function answerable(trace) {
  const { comparisons, interactions, conditions, ...rest } = trace;
  return rest;
}

/** Starts the test Ollama with one simulated model built from the sandbox provider. */
async function startOllama(makeModel, options = {}) {
  const provider = options.provider ?? sandboxProvider();
  return startFakeOllama({ models: { [MODEL]: makeModel(provider) }, port: options.port ?? 0 });
}

/**
 * A verifier wired as the server wires it, but with prepare run in this thread.
 * @param {string} host
 * @param {Partial<import('../../../server/dist/engine/verify/model-gate').GateDeps>} [options]
 */
function makeVerifier(host, { notify = () => undefined, log = () => undefined, onRecovered = () => undefined, backoff } = {}) {
  const backend = createOllamaBackend({ host, model: MODEL, firstChunkTimeoutMs: 10_000, idleTimeoutMs: 5000 });
  const gate = createModelGate({ model: backend, notify, log, onRecovered, backoff });
  const verifier = createVerifier({ prepare: (input) => verifyPrepare(input), gate, log });
  return { backend, gate, verifier };
}

function settings(overrides = {}) {
  const s = defaultSettings();
  return { ...s, verify: { ...s.verify, ...overrides } };
}

/**
 * @param {string} text
 * @param {{ uri?: string, version?: number }} [options]
 * @returns {import('../../../server/dist/engine/document-analysis').DocumentSnapshot}
 */
function snapshot(text, { uri = 'file:///app/handler.js', version = 1 } = {}) {
  return { uri, version, text, language: /\.ts$/.test(uri) ? 'ts' : 'js' };
}

module.exports = { MODEL, models, sandboxProvider, startOllama, makeVerifier, settings, snapshot };
