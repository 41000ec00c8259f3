// Function units and unit programs: every kind of function is found with its name, parameters
// and a stable hash, and each becomes a program that runs and maps back to its source lines.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { findUnits, cyrb53 } = require('../../../server/dist/core/source/units.js');
const { buildUnitProgram, buildModuleHeader, transpileText, freeNamesOf } = require('../../../server/dist/core/source/transpile.js');
const { traceUnit } = require('../../../server/dist/external/sandbox/runner.js');

const TS = `import fs from 'fs';
import { exec } from 'child_process';
import type { Db } from './db';
const LIMIT: number = 3;

export async function load(name: string, retries: number = 2): Promise<string> {
  const data = fs.readFileSync(name, 'utf8');
  return data.slice(0, LIMIT);
}
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id });
});
export class Repo {
  constructor(private db: Db) {}
  static async find(id: number) {
    return this.db.query('select * from t where id = ?', [id]);
  }
  get size(): number { return 1; }
}
const handler = function ({ user, pass }: { user: string; pass: string }) { return user + pass; };
`;

test('findUnits reports every function with its kind, name, parameters and line', () => {
  const { units, errors } = findUnits('a.ts', TS);
  assert.deepEqual(errors, []);
  assert.deepEqual(units.map((u) => [u.name, u.kind, u.line]), [
    ['load', 'function', 6],
    ['app.get /users/:id', 'arrow', 10],
    ['constructor', 'constructor', 14],
    ['find', 'method', 15],
    ['size', 'getter', 18],
    ['handler', 'expression', 20],
  ]);
  const load = units[0];
  assert.deepEqual(load.params.map((p) => [p.name, p.type, p.defaultText]), [['name', 'string', undefined], ['retries', 'number', '2']]);
  assert.equal(load.async, true);
  assert.deepEqual(units[5].params[0].properties, ['user', 'pass']);
  assert.equal(units[3].isStatic, true);
});

test('unit hashes depend on the unit text only', () => {
  const a = findUnits('a.ts', TS).units[0];
  const b = findUnits('a.ts', `// a comment above\n\n${TS}`).units[0];
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, findUnits('a.ts', TS.replace('0, LIMIT', '1, LIMIT')).units[0].hash);
  assert.match(cyrb53('x'), /^[0-9a-f]{14}$/);
});

test('broken code yields units and errors, never an exception', () => {
  const r = findUnits('b.js', 'function ok() { return 1 }\nfunction broken( { return');
  assert.ok(r.units.some((u) => u.name === 'ok'));
});

test('a unit program runs with the module imports and constants, and maps lines back', async () => {
  const doc = { fileName: 'a.ts', text: TS };
  const parsed = findUnits(doc.fileName, doc.text);
  const header = buildModuleHeader(doc, parsed);
  const p = /** @type {import('../../../server/dist/core/source/transpile').UnitProgram} */ (buildUnitProgram(doc, parsed, parsed.units[0], header));
  const t = await traceUnit(p.program, ['notes.txt'], {}, p);
  assert.deepEqual(t.outcome, { kind: 'return', value: 'orb' });
  assert.deepEqual(t.effects.map((e) => [e.kind, e.target, e.line]), [['fs-read', 'notes.txt', 7]]);
  assert.deepEqual(t.steps.map((s) => s.line), [7, 8]);
});

test('methods, getters and route callbacks run as units', async () => {
  const doc = { fileName: 'a.ts', text: TS };
  const parsed = findUnits(doc.fileName, doc.text);
  const header = buildModuleHeader(doc, parsed);
  const run = async (i, args) => {
    const p = /** @type {import('../../../server/dist/core/source/transpile').UnitProgram} */ (buildUnitProgram(doc, parsed, parsed.units[i], header));
    return traceUnit(p.program, args, {}, p);
  };
  const route = await run(1, [{ $orbit: 'express.req', params: { id: '7' } }, { $orbit: 'express.res' }]);
  assert.deepEqual(route.interactions.map((x) => [x.target, x.args]), [['res.json', [{ id: '7' }]]]);
  const find = await run(3, [5]);
  assert.deepEqual(find.effects.map((e) => [e.kind, e.target, e.line]), [['db', 'this.db.query', 16]]);
  const size = await run(4, []);
  assert.deepEqual(size.outcome, { kind: 'return', value: 1 });
  const handler = await run(5, [{ user: 'a', pass: 'b' }]);
  assert.deepEqual(handler.outcome, { kind: 'return', value: 'ab' });
});

test('transpileText strips types and keeps a line map', () => {
  const t = transpileText('interface A { x: number }\n\nfunction f(a: A): number {\n  return a.x;\n}\n', 'x.ts');
  assert.doesNotMatch(t.code, /interface|: number/);
  const line = t.code.split('\n').findIndex((l) => l.includes('return a.x'));
  assert.equal(t.lines[line], 3);
});

test('freeNamesOf lists names the code reads but does not declare', () => {
  assert.deepEqual(freeNamesOf('(a) => { const b = a + c; return helper(b, { d: e }); }').sort(), ['c', 'e', 'helper']);
});
