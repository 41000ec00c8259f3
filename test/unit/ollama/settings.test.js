// Host resolution, defaults, and the schema validator the answers go through.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {
  resolveOllamaHost,
  DEFAULT_OLLAMA_MODEL,
  DEFAULT_OLLAMA_PULL,
  DEFAULT_OLLAMA_SETTINGS,
  validateJson,
  describeSchemaErrors,
  answerSchema,
} = require('../../../server/dist/external/llm/ollama/index.js');
const { TRACE_SCHEMA, groundTruth, request } = require('./support.js');

test('the host comes from settings, else OLLAMA_HOST, else the local default', () => {
  assert.equal(resolveOllamaHost('http://gpu-box:11434', { OLLAMA_HOST: 'other:1' }), 'http://gpu-box:11434');
  assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: 'gpu-box' }), 'http://gpu-box:11434');
  assert.equal(resolveOllamaHost('  ', { OLLAMA_HOST: 'gpu-box:8080' }), 'http://gpu-box:8080');
  assert.equal(resolveOllamaHost(undefined, {}), 'http://127.0.0.1:11434');
  assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: '' }), 'http://127.0.0.1:11434');
});

test("Ollama's own OLLAMA_HOST spellings are understood", () => {
  assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: '0.0.0.0' }), 'http://127.0.0.1:11434');
  assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: '0.0.0.0:9000' }), 'http://127.0.0.1:9000');
  assert.equal(resolveOllamaHost(undefined, { OLLAMA_HOST: ':9000' }), 'http://127.0.0.1:9000');
  assert.equal(resolveOllamaHost('https://ollama.internal/', {}), 'https://ollama.internal');
  assert.equal(resolveOllamaHost('http://proxy.local/ollama/', {}), 'http://proxy.local/ollama');
});

test('the default model and its pull command agree', () => {
  assert.equal(DEFAULT_OLLAMA_MODEL, 'qwen2.5-coder:7b');
  assert.equal(DEFAULT_OLLAMA_PULL, 'ollama pull qwen2.5-coder:7b');
  assert.equal(DEFAULT_OLLAMA_SETTINGS.concurrency, 1);
});

test('a real trace passes the trace schema; broken ones say where they break', () => {
  const good = groundTruth('', ['svc_maint', 'x']);
  assert.deepEqual(validateJson(good, TRACE_SCHEMA), []);
  const nested = { ...good, steps: [{ line: 1, state: { deep: { a: [1, { b: null }] } } }] };
  assert.deepEqual(validateJson(nested, TRACE_SCHEMA), [], 'recursive values through $ref');

  /** @type {Array<[unknown, string]>} */
  const cases = [
    [{ ...good, outcome: { kind: 'return' } }, 'outcome: must match exactly one of the allowed shapes'],
    [{ ...good, steps: [{ line: 0, state: {} }] }, 'steps[0].line: must be ≥ 1'],
    [{ ...good, steps: [{ line: 1.5, state: {} }] }, 'steps[0].line: expected integer, got number'],
    [{ ...good, effects: [{ ...good.effects[0], kind: 'teleport' }] }, 'effects[0].kind: expected one of'],
    [{ ...good, steps: [{ line: 1, state: {}, extra: 1 }] }, 'steps[0].extra: unexpected property'],
    [{ steps: [], effects: [] }, 'outcome: missing required property'],
    ['a string', '(root): expected object, got string'],
  ];
  for (const [value, expected] of cases) {
    const text = describeSchemaErrors(validateJson(value, TRACE_SCHEMA));
    assert.ok(text.startsWith(expected), `${JSON.stringify(value).slice(0, 60)} → ${text}`);
  }
});

test('the answer schema wraps one trace per input and keeps $refs resolvable', () => {
  const schema = answerSchema(request());
  assert.deepEqual(schema.required, ['traces']);
  assert.equal(schema.properties.traces.maxItems, 2);
  assert.ok(schema.$defs.value, 'definitions moved to the root the $refs point at');
  const answer = { traces: [groundTruth('', ['a', 'b']), groundTruth('', ['c', 'd'])] };
  assert.deepEqual(validateJson(answer, schema), []);
  assert.match(describeSchemaErrors(validateJson({ traces: [answer.traces[0]] }, schema)), /expected at least 2 items/);
});
