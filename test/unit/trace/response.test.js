// What a handler sent — status, the headers that matter, body — is read from the sandbox's calls on
// its response object and from a model's `response`, and results are compared on it, never on the
// response object's own fields.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { sentResponse } = require('../../../server/dist/core/trace/response.js');
const { observableResult, sameObservableResult } = require('../../../server/dist/core/trace/observable.js');
const { compareWithGroundTruth } = require('../../../server/dist/core/trace/ground-truth.js');
const { consistencyVerdict } = require('../../../server/dist/core/trace/verdict.js');

test.before(() => loadSandbox());

/** @typedef {import('../../../server/dist/core/trace/schema').Trace} Trace */

const EXPRESS = [{ $orbit: 'express.req', body: { user: 'ann' } }, { $orbit: 'express.res' }];

test('the sandbox records what an Express handler sent: status, headers that matter, body', async () => {
  const t = await traceUnit(`function f(req, res) {
    res.set('X-Request-Id', 'r1');
    res.set({ 'Access-Control-Allow-Origin': '*' });
    res.cookie('role', 'admin');
    res.status(403).json({ error: 'no' });
  }`, EXPRESS);
  assert.deepEqual(sentResponse(t), {
    status: 403,
    body: { error: 'no' },
    headers: { 'access-control-allow-origin': '*', 'set-cookie': 'role=admin' },
  });
  const redirect = await traceUnit(`function f(req, res) { return res.redirect(301, '/login'); }`, EXPRESS);
  assert.deepEqual(sentResponse(redirect), { status: 301, headers: { location: '/login' } });
  const rendered = await traceUnit(`function f(req, res) { res.render('admin', { user: req.body.user }); }`, EXPRESS);
  assert.deepEqual(sentResponse(rendered), { body: 'admin' });
  const koa = await traceUnit(`async function f(ctx) { ctx.status = 201; ctx.body = { ok: true }; }`, [{ $orbit: 'koa.ctx' }]);
  assert.deepEqual(sentResponse(koa), { status: 201, body: { ok: true } });
});

test('a model that says the handler sent another status or body than the sandbox saw disagrees with it', async () => {
  const real = await traceUnit(`function f(req, res) { if (req.body.user !== 'root') return res.status(403).json({ error: 'no' }); res.json({ admin: true }); }`, EXPRESS);
  /** @param {any} response @returns {Trace} */
  const model = (response) => ({ steps: [], effects: [], outcome: { kind: 'return', value: '[undefined]' }, ...(response ? { response } : {}) });
  assert.equal(compareWithGroundTruth(model({ status: 403, body: { error: 'no' } }), real).outcomeMatches, true);
  assert.equal(compareWithGroundTruth(model({ status: 200, body: { admin: true } }), real).outcomeMatches, false, 'another status and body');
  assert.equal(compareWithGroundTruth(model({ status: 403, body: { error: 'yes' } }), real).outcomeMatches, false, 'another body');
  // A model that states only part of it, or nothing, is compared on what it states.
  assert.equal(compareWithGroundTruth(model({ status: 403 }), real).outcomeMatches, true);
  assert.equal(compareWithGroundTruth(model(undefined), real).outcomeMatches, true);
  // Headers that do not matter are not compared; a location that differs is.
  assert.ok(sameObservableResult(model({ status: 403, headers: { 'x-request-id': 'zz' } }), real));
  const redirect = await traceUnit(`function f(req, res) { res.redirect('/home'); }`, EXPRESS);
  assert.ok(sameObservableResult(model({ status: 302, headers: { Location: '/home' } }), redirect));
  assert.ok(!sameObservableResult(model({ status: 302, headers: { location: 'https://evil.example/' } }), redirect));
});

test('a returned response object is compared on what it sent, not on its fields', async () => {
  const sandbox = await traceUnit(`function f(req, res) { return res.status(404).send('missing'); }`, EXPRESS);
  // The sandbox's returned object lists its methods; the model writes {status, body}.
  assert.equal(sandbox.outcome.kind === 'return' && typeof sandbox.outcome.value, 'object');
  /** @type {Trace} */
  const model = { steps: [], effects: [], outcome: { kind: 'return', value: { status: 404, body: 'missing' } }, response: { status: 404, body: 'missing' } };
  assert.ok(sameObservableResult(model, sandbox));
  assert.ok(!sameObservableResult({ ...model, response: { status: 200, body: 'missing' } }, sandbox));
});

test('rewrites whose accounts of what was sent differ from the original are an output disagreement', () => {
  /** @param {number} status @param {any} body @param {object} [extra] @returns {Trace[]} */
  const sent = (status, body, extra = {}) => [{ steps: [], effects: [], outcome: { kind: 'return', value: '[undefined]' }, response: { status, body, ...extra } }];
  const same = consistencyVerdict([sent(403, { error: 'no' }), sent(403, { error: 'no' }, { headers: { 'x-trace': 'a' } }), sent(403, { error: 'no' })]);
  assert.deepEqual(same.disagreements, []);
  const differ = consistencyVerdict([sent(403, { error: 'no' }), sent(200, { admin: true }), sent(200, { admin: true })]);
  const output = differ.disagreements.find((d) => d.kind === 'output');
  assert.ok(output, JSON.stringify(differ.disagreements));
  assert.match(output.message, /sent .*200/);
  assert.notEqual(observableResult(sent(403, 'x')[0]), observableResult(sent(200, 'x')[0]));
});
