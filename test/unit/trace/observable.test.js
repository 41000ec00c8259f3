// Traces are compared on what an observer sees: effects by kind, host and path; results by status,
// body or return value. Noise in a query value or in a response object's other fields is not a
// disagreement; another host, another path or another status is.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { effectIdentity, observableOutcome, sameObservableOutcome } = require('../../../server/dist/core/trace/observable.js');
const { consistencyVerdict } = require('../../../server/dist/core/trace/verdict.js');
const { compareWithGroundTruth } = require('../../../server/dist/core/trace/ground-truth.js');

const request = (target) => ({ kind: 'network', target, args: [target], line: 3 });
/** @returns {import('../../../server/dist/core/trace/schema').Trace} */
const trace = (effects, value = 'ok') => ({ steps: [], effects, outcome: { kind: 'return', value } });

test('a request is identified by host and path: query, fragment, scheme, default port and case do not matter', () => {
  const a = effectIdentity('network', 'https://Hooks.Example.com:443/orders/shipped/?id=41&sig=abc#x');
  assert.equal(a, 'hooks.example.com/orders/shipped');
  assert.equal(effectIdentity('network', 'http://hooks.example.com/orders/shipped?id=4x'), a);
  assert.notEqual(effectIdentity('network', 'https://collect.example.net/orders/shipped'), a, 'another host is another effect');
  assert.notEqual(effectIdentity('network', 'https://hooks.example.com/orders/deleted'), a, 'another path is another effect');
  assert.equal(effectIdentity('network', '10.0.0.1:4444'), '10.0.0.1:4444');
  assert.equal(effectIdentity('process', 'tar  -czf   x.tgz'), 'tar -czf x.tgz');
});

test('a destination that names no host (a configured URL) matches another such destination, never a real host', () => {
  assert.equal(effectIdentity('network', '[orbit ./config.slackWebhookUrl]'), effectIdentity('network', ''));
  assert.notEqual(effectIdentity('network', ''), effectIdentity('network', 'https://collect.example.net/x'));
});

test('one garbled query value in a rewrite is not an inconsistent effect (no CWE-912 warning)', () => {
  const real = 'https://hooks.example.com/notify?order=41';
  const sets = [[trace([request(real)])], [trace([request('https://hooks.example.com/notify?order=4q')])], [trace([request(real)])]];
  const v = consistencyVerdict(sets);
  assert.equal(v.verdict, 'consistent');
  assert.deepEqual(v.disagreements, []);
  // Against the sandbox, the same: nothing missing, nothing invented.
  const cmp = compareWithGroundTruth(trace([request('https://hooks.example.com/notify?order=4q')]), trace([request(real)]));
  assert.deepEqual([cmp.missingEffects, cmp.extraEffects], [[], []]);
});

test('a request to another host in two rewrites is still an inconsistent effect', () => {
  const sets = [[trace([])], [trace([request('https://collect.example.net/u?k=1')])], [trace([request('https://collect.example.net/u?k=2')])]];
  const v = consistencyVerdict(sets);
  assert.equal(v.verdict, 'inconsistent-effects');
  assert.match(v.disagreements[0].message, /https request to https:\/\/collect\.example\.net\/u\?k=1/);
});

test('a response object is compared on its status and body, not its thirty other fields', () => {
  const sandboxRes = { status: '[function]', json: '[function]', send: '[function]', end: '[function]', statusCode: 200, headersSent: false, locals: {} };
  const noisyRes = { ...sandboxRes, headersSent: true, locals: { _: 0 }, statusCode: 201 };
  assert.equal(observableOutcome({ kind: 'return', value: sandboxRes }), observableOutcome({ kind: 'return', value: noisyRes }));
  // A model writes what the handler sent; the sandbox's object states neither, so both agree with it.
  assert.ok(sameObservableOutcome({ kind: 'return', value: { status: 403, body: { error: 'no' } } }, { kind: 'return', value: sandboxRes }));
  // Between two model answers the status and the body count.
  assert.notEqual(observableOutcome({ kind: 'return', value: { status: 403, body: {} } }), observableOutcome({ kind: 'return', value: { status: 200, body: {} } }));
  assert.notEqual(observableOutcome({ kind: 'return', value: 41 }), observableOutcome({ kind: 'return', value: 42 }));
  // Errors compare by name: engines word their messages differently.
  assert.ok(sameObservableOutcome({ kind: 'throw', error: "TypeError: Cannot read properties of undefined (reading 'id')" }, { kind: 'throw', error: "TypeError: cannot read property 'id' of undefined" }));
  assert.ok(!sameObservableOutcome({ kind: 'throw', error: 'TypeError: x' }, { kind: 'throw', error: 'RangeError: x' }));
});

test('noise in a response object in two rewrites no longer outvotes the original', () => {
  const res = (extra) => ({ status: '[function]', json: '[function]', send: '[function]', statusCode: 200, ...extra });
  const sets = [[trace([], res({}))], [trace([], res({ headersSent: true }))], [trace([], res({ locals: { a: 1 } }))]];
  const v = consistencyVerdict(sets);
  assert.equal(v.verdict, 'consistent');
});
