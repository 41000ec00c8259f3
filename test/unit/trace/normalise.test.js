// Normalisation expresses a variant's trace in the original's terms: renamed variables match,
// temporaries vanish, lines map back, and values have one canonical spelling.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { normaliseTrace, canonicalValue, canonicalTarget, toJsonValue } = require('../../../server/dist/core/trace/index.js');

test('renamed variables, introduced temporaries and variant lines map back to the original', () => {
  /** @type {import('../../../server/dist/core/trace/schema').Trace} */
  const variant = {
    steps: [
      { line: 2, state: { value: 1 } },
      { line: 3, state: { result: 2 } },
      { line: 4, state: { value: 2, result: 2 } },
    ],
    effects: [{ kind: 'network', target: 'HTTPS://Example.COM/', args: [1.00000000000001], line: 4 }],
    outcome: { kind: 'throw', error: 'Uncaught ReferenceError: value is not defined' },
  };
  const out = normaliseTrace(variant, { renames: { value: 'count' }, introduced: ['result'], lineMap: [1, 2, 2, 3] });
  assert.deepEqual(out, {
    steps: [
      { line: 2, state: { count: 1 } },
      { line: 3, state: { count: 2 } },
    ],
    effects: [{ kind: 'network', target: 'https://example.com', args: [1], line: 3 }],
    outcome: { kind: 'throw', error: 'ReferenceError: count is not defined' },
  });
});

test('steps that were empty in the trace itself are kept', () => {
  /** @type {import('../../../server/dist/core/trace/schema').Trace} */
  const t = { steps: [{ line: 1, state: {} }], effects: [], outcome: { kind: 'return', value: null } };
  assert.equal(normaliseTrace(t).steps.length, 1);
});

test('canonical values: sorted keys, -0, float noise and special spellings', () => {
  assert.equal(JSON.stringify(canonicalValue({ b: 1, a: [-0, 0.1 + 0.2, '<undefined>', '[nan]'] })), '{"a":[0,0.3,"[undefined]","[NaN]"],"b":1}');
  assert.equal(canonicalValue('undefined'), 'undefined');
});

test('toJsonValue writes what JSON cannot hold in canonical strings', () => {
  const cyc = { z: 1 };
  cyc.self = cyc;
  assert.deepEqual(toJsonValue([undefined, NaN, -Infinity, () => 1, 10n, new Map([[1, 'a']]), new Set([2]), cyc]), [
    '[undefined]', '[NaN]', '[-Infinity]', '[function]', '[bigint 10]', { '[map]': [[1, 'a']] }, { '[set]': [2] }, { self: '[cycle]', z: 1 },
  ]);
});

test('URL targets compare by lower-cased scheme and host', () => {
  assert.equal(canonicalTarget(' HTTPS://API.Example.com/Path?q=1 '), 'https://api.example.com/Path?q=1');
  assert.equal(canonicalTarget('/etc/passwd'), '/etc/passwd');
});
