// The trace schema as a JSON Schema object: what the sandbox emits and what a model must
// answer with. Plain data, usable directly as Ollama's `format` (no $ref, so grammars stay simple).
import { SECURITY_EFFECT_KINDS } from './schema';

const EFFECT_KINDS = ['network', 'process', 'fs-write', 'eval', 'env', 'fs-read', 'db', 'crypto', 'time', 'log'] as const;

/** Any JSON value: a variable's value, an effect argument or a return value. Values JSON cannot
 *  hold are strings in canonical form: "[undefined]", "[NaN]", "[Infinity]", "[function]". */
const ANY_VALUE = { description: 'any JSON value; undefined, NaN, Infinity and functions as "[undefined]", "[NaN]", "[Infinity]", "[function]"' } as const;

export const TRACE_JSON_SCHEMA = {
  title: 'Execution trace',
  description:
    'The steps a function executes on one input (line and the variables each step writes), the effects it causes ' +
    `(security-relevant kinds: ${SECURITY_EFFECT_KINDS.join(', ')}), and how it ends.`,
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer', minimum: 1, description: '1-based line of the executed statement' },
          state: { type: 'object', additionalProperties: ANY_VALUE, description: 'variables written by this step and their values after it' },
        },
        required: ['line', 'state'],
        additionalProperties: false,
      },
    },
    effects: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: EFFECT_KINDS },
          target: { type: 'string', description: 'URL or host, path, command, module.function name or environment key' },
          args: { type: 'array', items: ANY_VALUE },
          line: { type: 'integer', minimum: 1 },
        },
        required: ['kind', 'target', 'args', 'line'],
        additionalProperties: false,
      },
    },
    outcome: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['return', 'throw', 'limit'] },
        value: ANY_VALUE,
        error: { type: 'string', description: 'for throw: the error as "Name: message"' },
        limit: { type: 'string', enum: ['time', 'instructions', 'memory', 'trace-size'] },
      },
      required: ['kind'],
      additionalProperties: false,
    },
    truncated: { type: 'boolean' },
    response: {
      type: 'object',
      description: 'for a request handler only: what it sent to the client — the status, the headers location, set-cookie, access-control-allow-origin, access-control-allow-credentials, www-authenticate and content-type where it set them, and the body (res.json, res.send, res.end, res.render\'s view)',
      properties: {
        status: { type: 'integer' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: ANY_VALUE,
      },
      additionalProperties: false,
    },
  },
  required: ['steps', 'effects', 'outcome'],
  additionalProperties: false,
} as const;

/** The full trace as the sandbox records it: the prediction schema plus the sandbox-only fields
 *  (framework interactions and observed comparisons). Models are never asked for these. */
export const SANDBOX_TRACE_JSON_SCHEMA = {
  ...TRACE_JSON_SCHEMA,
  title: 'Execution trace (sandbox)',
  properties: {
    ...TRACE_JSON_SCHEMA.properties,
    interactions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { target: { type: 'string' }, args: { type: 'array', items: ANY_VALUE }, line: { type: 'integer', minimum: 0 } },
        required: ['target', 'args', 'line'],
        additionalProperties: false,
      },
    },
    comparisons: { type: 'array', items: { type: 'array', items: ANY_VALUE, minItems: 2, maxItems: 2 } },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          s: { type: ['integer', 'string'] },
          op: { type: 'string' },
          a: { type: 'object', properties: { v: ANY_VALUE, h: { type: 'string' }, x: ANY_VALUE }, required: ['v'], additionalProperties: false },
          b: { type: 'object', properties: { v: ANY_VALUE, h: { type: 'string' }, x: ANY_VALUE }, required: ['v'], additionalProperties: false },
          list: { type: 'array', items: ANY_VALUE },
          re: { type: 'string' },
          fl: { type: 'string' },
          path: { type: 'string' },
          r: { type: 'boolean' },
          line: { type: 'integer', minimum: 0 },
        },
        required: ['s', 'op', 'r', 'line'],
        additionalProperties: false,
      },
    },
  },
} as const;
