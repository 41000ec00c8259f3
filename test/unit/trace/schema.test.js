// The exported JSON Schema accepts real sandbox traces and rejects malformed ones, and is plain
// enough to pass to Ollama as `format` (no $ref).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { TRACE_JSON_SCHEMA, SANDBOX_TRACE_JSON_SCHEMA } = require('../../../server/dist/core/trace/index.js');
const { validateJson } = require('../../../server/dist/external/llm/ollama/json-schema.js');
const { traceUnit } = require('../../../server/dist/external/sandbox/runner.js');

test('the schema has no references and requires steps, effects and outcome', () => {
  assert.ok(!JSON.stringify(TRACE_JSON_SCHEMA).includes('$ref'));
  assert.deepEqual([...TRACE_JSON_SCHEMA.required], ['steps', 'effects', 'outcome']);
});

test('a sandbox trace validates against the schema', async () => {
  const program = `async function f(n) {\n  let total = 0;\n  for (let i = 0; i < n; i++) total += i;\n  await fetch('https://example.com/' + total);\n  return total;\n}`;
  const trace = await traceUnit(program, [3], {}, { entry: 'f' });
  assert.ok(trace.steps.length > 0);
  const { interactions, comparisons, conditions, ...core } = trace;
  assert.deepEqual(validateJson(core, TRACE_JSON_SCHEMA), []);
  assert.deepEqual(validateJson(trace, SANDBOX_TRACE_JSON_SCHEMA), []);
});

test('a handler trace with framework interactions validates against the sandbox schema', async () => {
  const program = `function h(req, res) {\n  if (req.query.id === 'x') return res.status(404).json({ error: 'no' });\n  res.json({ ok: true });\n}`;
  const trace = await traceUnit(program, [{ $orbit: 'express.req', query: { id: 'x' } }, { $orbit: 'express.res' }], {}, { entry: 'h' });
  assert.ok(trace.interactions.length > 0, JSON.stringify(trace));
  // The branch condition the trigger search reads is part of the sandbox schema too.
  assert.deepEqual(trace.conditions.map((c) => [c.op, c.a.v, c.b.v, c.r]), [['===', 'x', 'x', true]]);
  assert.deepEqual(validateJson(trace, SANDBOX_TRACE_JSON_SCHEMA), []);
});

test('malformed traces are rejected', () => {
  assert.notDeepEqual(validateJson({ steps: [], effects: [{ kind: 'telepathy', target: 'x', args: [], line: 1 }], outcome: { kind: 'return' } }, TRACE_JSON_SCHEMA), []);
  assert.notDeepEqual(validateJson({ steps: [{ line: 0, state: {} }], effects: [], outcome: { kind: 'return' } }, TRACE_JSON_SCHEMA), []);
});
