// Input synthesis: the literals a function compares its inputs with become probes, framework
// handlers get request and response objects, and the same unit always gets the same cases.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { findUnits, unitNode } = require('../../../server/dist/core/source/units.js');
const { harvestUnit } = require('../../../server/dist/core/inputs/harvest.js');
const { synthesizeInputs, probesFromComparisons, ORDINARY_TIMES } = require('../../../server/dist/core/inputs/synth.js');

/** @returns {{ unit: any, harvest: any, cases: Array<import('../../../server/dist/core/inputs/synth').InputCase & { args: any[] }> }} */
function casesOf(text, fileName = 'x.ts') {
  const parsed = findUnits(fileName, text);
  const unit = parsed.units[0];
  const harvest = harvestUnit(unitNode(parsed.sourceFile, unit), parsed.sourceFile, unit.params.map((p) => p.name));
  return { unit, harvest, cases: synthesizeInputs(unit, harvest) };
}
const probes = (cases) => cases.filter((c) => c.role === 'probe').map((c) => c.trigger.description);

test('literals compared with parameters and their properties become probes', () => {
  const { cases } = casesOf(`const MAGIC = 'svc_maint';
  function login(req, res) {
    const { user } = req.body;
    if (user === MAGIC) return 1;
    switch (req.query.mode) { case 'fast': return 2; case 'slow': return 3; }
    if (req.get('X-Token').startsWith('tk_')) return 4;
    if (['red', 'blue'].includes(req.params.color)) return 5;
    if (/^debug$/.test(req.headers['x-flag'])) return 6;
  }`);
  const got = probes(cases);
  for (const want of [
    'user === "svc_maint"',
    "req.get('X-Token') starts with \"tk_\"",
    "req.headers['x-flag'] matches \"debug\"",
    'req.query.mode is "fast"',
    'req.query.mode is "slow"',
    'req.params.color === "red" (one of 2 values listed in the code)',
    'req.params.color === "blue" (one of 2 values listed in the code)',
  ]) assert.ok(got.includes(want), `missing probe: ${want} in ${JSON.stringify(got)}`);
  // The lone comparison comes first: it is the likeliest trigger.
  assert.equal(got[0], 'user === "svc_maint"');
  const magic = cases.find((c) => c.trigger && c.trigger.value === 'svc_maint');
  assert.equal(magic.args[0].body.user, 'svc_maint');
  assert.equal(magic.args[0].$orbit, 'express.req');
  assert.deepEqual(magic.args[1], { $orbit: 'express.res' });
});

test('date comparisons become clock probes on both sides of the instant', () => {
  const { cases } = casesOf(`function job() {
    const h = new Date().getHours();
    if (h === 3) return 'night';
    if (new Date() > new Date('2027-01-01')) return 'late';
    if (new Date().getDay() === 5) return 'friday';
  }`);
  const clock = cases.filter((c) => c.trigger && c.trigger.kind === 'date');
  const iso = (c) => new Date(c.now).toISOString();
  assert.ok(clock.some((c) => iso(c).startsWith('2027-01-02')));
  assert.ok(clock.some((c) => iso(c).startsWith('2026-12-31')));
  assert.ok(clock.some((c) => new Date(c.now).getUTCHours() === 3));
  assert.ok(clock.some((c) => new Date(c.now).getUTCDay() === 5));
  assert.deepEqual(cases.filter((c) => c.role === 'ordinary').map((c) => c.now), [ORDINARY_TIMES[0], ORDINARY_TIMES[1], ORDINARY_TIMES[0]]);
});

test('environment variables compared or merely tested become environment probes', () => {
  const { cases } = casesOf(`function boot() {
    if (process.env.DIAG_MODE === 'on') return 1;
    if (process.env.SECRET_HOOK) return 2;
  }`);
  assert.deepEqual(cases.filter((c) => c.env).map((c) => c.env), [{ DIAG_MODE: 'on' }, { SECRET_HOOK: 'true' }]);
});

test('ordinary values follow names, types, defaults and the array methods used', () => {
  const { cases } = casesOf(`function f(email: string, count: number, enabled: boolean, items, label = 'x') {
    return items.map((i) => i.id);
  }`);
  const [a] = cases;
  assert.match(a.args[0], /@example\.com$/);
  assert.equal(typeof a.args[1], 'number');
  assert.equal(a.args[2], false);
  assert.ok(Array.isArray(a.args[3]) && a.args[3].length === 2);
  assert.equal(a.args[4], 'x');
  const boundary = cases.find((c) => c.id === 'boundary');
  assert.deepEqual(boundary.args.slice(0, 4), ['', 0, true, []]);
});

test('Koa and Fastify handlers get their framework objects', () => {
  assert.equal(casesOf('async function k(ctx, next) { return ctx.query.q; }').cases[0].args[0].$orbit, 'koa.ctx');
  const fy = casesOf('async function h(request, reply) { return request.body.name; }').cases[0].args;
  assert.deepEqual([fy[0].$orbit, fy[1].$orbit], ['fastify.request', 'fastify.reply']);
});

test('cases are deterministic per unit', () => {
  const src = "function f(user, pass) { if (pass === 'letmein') return true; return false; }";
  assert.deepEqual(casesOf(src).cases, casesOf(src).cases);
});

test('comparisons observed at run time become probes at the input they touched', () => {
  /** @type {import('../../../server/dist/core/inputs/synth').InputCase} */
  const base = { id: 'ordinary-1', role: 'ordinary', args: [{ headers: { authorization: 'Bearer orbit-token-4' } }], now: 0 };
  const out = /** @type {Array<import('../../../server/dist/core/inputs/synth').InputCase & { args: any[] }>} */ (probesFromComparisons(base, [['orbit-token-4', 'mk_123'], ['orbit-token-4', 'orbit-env-API_KEY']], (v) => v.includes('orbit-env-'), ['req']));
  assert.equal(out.length, 1);
  assert.equal(out[0].args[0].headers.authorization, 'Bearer mk_123');
  assert.equal(out[0].trigger.description, 'req.headers.authorization === "mk_123"');
});
