// A small JSON Schema validator for the subset trace schemas use (types, properties, required,
// additionalProperties, items, bounds, enum/const, anyOf/oneOf/allOf, local $ref).
// Ollama's `format` constrains decoding, but not every model or server version honours every
// keyword, so answers are checked again here before anything trusts them.

import type { JsonSchema, JsonSchemaType } from '../types.js';

export interface SchemaError {
  /** Where the problem is, e.g. "traces[0].steps[2].line"; "" for the root. */
  path: string;
  message: string;
}

/** Validates a parsed JSON value; returns at most `limit` errors (none means valid). */
export function validateJson(value: unknown, schema: JsonSchema, limit = 5): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, schema, '', { root: schema, errors, limit, depth: 0 });
  return errors;
}

/** The errors as one line for a retry prompt or a log. */
export function describeSchemaErrors(errors: SchemaError[]): string {
  return errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
}

interface Context {
  root: JsonSchema;
  errors: SchemaError[];
  limit: number;
  depth: number;
}

function check(value: unknown, schema: JsonSchema, path: string, ctx: Context): void {
  if (ctx.errors.length >= ctx.limit) return;
  // A self-referencing schema with a value nested this deep is not a trace we want anyway.
  if (ctx.depth > 64) return report(ctx, path, 'value nested too deeply');
  if (schema.$ref !== undefined) {
    const target = resolveRef(ctx.root, schema.$ref);
    if (!target) return report(ctx, path, `schema reference ${schema.$ref} cannot be resolved`);
    return nested(value, target, path, ctx);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(value, t))) {
      return report(ctx, path, `expected ${types.join(' or ')}, got ${typeName(value)}`);
    }
  }
  if (schema.const !== undefined && !deepEqual(value, schema.const)) {
    report(ctx, path, `expected ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum !== undefined && !schema.enum.some((v) => deepEqual(value, v))) {
    report(ctx, path, `expected one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (typeof value === 'number') checkNumber(value, schema, path, ctx);
  if (typeof value === 'string') checkString(value, schema, path, ctx);
  if (Array.isArray(value)) checkArray(value, schema, path, ctx);
  else if (isObject(value)) checkObject(value, schema, path, ctx);
  if (schema.allOf) for (const sub of schema.allOf) nested(value, sub, path, ctx);
  if (schema.anyOf && countMatching(value, schema.anyOf, ctx) === 0) {
    report(ctx, path, 'matches none of the allowed shapes');
  }
  if (schema.oneOf && countMatching(value, schema.oneOf, ctx) !== 1) {
    report(ctx, path, 'must match exactly one of the allowed shapes');
  }
}

function checkNumber(value: number, schema: JsonSchema, path: string, ctx: Context): void {
  if (schema.minimum !== undefined && value < schema.minimum) report(ctx, path, `must be ≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) report(ctx, path, `must be ≤ ${schema.maximum}`);
}

function checkString(value: string, schema: JsonSchema, path: string, ctx: Context): void {
  if (schema.minLength !== undefined && value.length < schema.minLength) report(ctx, path, 'string too short');
  if (schema.maxLength !== undefined && value.length > schema.maxLength) report(ctx, path, 'string too long');
}

function checkArray(value: unknown[], schema: JsonSchema, path: string, ctx: Context): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    report(ctx, path, `expected at least ${schema.minItems} items, got ${value.length}`);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    report(ctx, path, `expected at most ${schema.maxItems} items, got ${value.length}`);
  }
  if (schema.items) value.forEach((item, i) => nested(item, schema.items as JsonSchema, `${path}[${i}]`, ctx));
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, ctx: Context): void {
  for (const key of schema.required ?? []) {
    if (!(key in value)) report(ctx, join(path, key), 'missing required property');
  }
  const props = schema.properties ?? {};
  for (const [key, child] of Object.entries(value)) {
    if (key in props) nested(child, props[key], join(path, key), ctx);
    else if (schema.additionalProperties === false) report(ctx, join(path, key), 'unexpected property');
    else if (isObject(schema.additionalProperties)) nested(child, schema.additionalProperties, join(path, key), ctx);
  }
}

function nested(value: unknown, schema: JsonSchema, path: string, ctx: Context): void {
  ctx.depth++;
  check(value, schema, path, ctx);
  ctx.depth--;
}

/** How many alternatives the value satisfies; each is tried against a scratch error list. */
function countMatching(value: unknown, alternatives: readonly JsonSchema[], ctx: Context): number {
  let matching = 0;
  for (const alt of alternatives) {
    const scratch: Context = { root: ctx.root, errors: [], limit: 1, depth: ctx.depth + 1 };
    check(value, alt, '', scratch);
    if (scratch.errors.length === 0) matching++;
  }
  return matching;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const table = m[1] === '$defs' ? root.$defs : root.definitions;
  return table?.[decodeURIComponent(m[2]).replace(/~1/g, '/').replace(/~0/g, '~')];
}

function hasType(value: unknown, type: JsonSchemaType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

function report(ctx: Context, path: string, message: string): void {
  if (ctx.errors.length < ctx.limit) ctx.errors.push({ path, message });
}
