// The trace-prediction prompt and the answer schema sent as Ollama's `format`.
// The layout is a contract: test/support/fake-ollama parses it to find the program and inputs.

import type { Message } from 'ollama';
import type { JsonSchema, TraceRequest } from '../types.js';
import { extractJsonAnswer } from '../../../core/answer/json.js';
import type { Trace } from '../../../core/trace/schema.js';
import { describeSchemaErrors, validateJson, type SchemaError } from './json-schema.js';

const SYSTEM = [
  'You are a precise JavaScript interpreter.',
  'Given a program and inputs, you predict what really happens when the program runs: the',
  'sequence of states, every effect (network, file system, processes, eval, environment,',
  'database, logging, time, crypto), the return value or thrown error, and for a request handler what it',
  'sent (status, headers such as location or set-cookie, body).',
  'Report what the code does, not what its names or comments claim.',
  'Answer with JSON only, exactly in the requested schema.',
].join(' ');

/** The answer is one object holding one trace per input, so a batch costs a single call. */
export function answerSchema(request: TraceRequest): JsonSchema {
  const n = request.inputs.length;
  const defs = request.schema.$defs ?? request.schema.definitions;
  // Local $refs inside the trace schema point at its own root, so its definitions move up.
  const trace: JsonSchema = { ...request.schema };
  delete trace.$defs;
  delete trace.definitions;
  const schema: JsonSchema = {
    type: 'object',
    properties: { traces: { type: 'array', items: trace, minItems: n, maxItems: n } },
    required: ['traces'],
    additionalProperties: false,
  };
  if (request.schema.$defs) schema.$defs = defs;
  if (request.schema.definitions) schema.definitions = defs;
  return schema;
}

export function traceMessages(request: TraceRequest): Message[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: tracePrompt(request) },
  ];
}

/** The follow-up after a malformed answer: say what was wrong and ask again. */
export function retryMessages(first: Message[], badAnswer: string, problem: string): Message[] {
  return [
    ...first,
    { role: 'assistant', content: badAnswer },
    {
      role: 'user',
      content:
        `That answer is not valid: ${problem}. ` +
        'Answer again with one JSON object {"traces": [...]} that follows the schema exactly, and nothing else.',
    },
  ];
}

/** The traces in an answer, or a sentence saying why it cannot be used. Without a honoured
 *  structured-output constraint the JSON may come fenced, after reasoning, or with prose around. */
export function readTraces(text: string, format: JsonSchema): Trace[] | string {
  const found = extractJsonAnswer(text);
  if (!found.ok) return found.problem;
  const errors = validateJson(found.value, format);
  if (errors.length > 0) return `the answer does not follow the schema: ${parseProblem(errors)}`;
  return (found.value as { traces: Trace[] }).traces;
}

export function parseProblem(errors: SchemaError[] | string): string {
  return typeof errors === 'string' ? errors : describeSchemaErrors(errors);
}

function tracePrompt(request: TraceRequest): string {
  const fence = fenceFor(request.program);
  const lines = [
    `Predict the execution trace of the program below for each of ${request.inputs.length} input(s).`,
    'Lines are numbered from 1 at the first line of the program.',
    '',
    'Program:',
    `${fence}js`,
    request.program,
    fence,
    '',
  ];
  if (request.entry) lines.push(`Entry: ${request.entry}`, '');
  lines.push(
    'Inputs (JSON, one argument list per run):',
    JSON.stringify(request.inputs),
    '',
    'Answer with {"traces": [...]}: one trace per input, in order. Each trace follows this JSON Schema:',
    JSON.stringify(request.schema),
  );
  return lines.join('\n');
}

/** A code fence longer than any run of backticks in the program, as Markdown allows. */
function fenceFor(program: string): string {
  const longest = Math.max(2, ...(program.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}
