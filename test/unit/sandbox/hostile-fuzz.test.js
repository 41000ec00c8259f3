// A seeded set of hostile functions (poisoned prototypes, runaway code, memory bombs, escape
// attempts) through the sandbox on every `npm test`: each ends with a defined outcome and a trace
// the host accepts, nothing reaches the real machine, and hostile neighbours never hide a backdoor.
// `npm run fuzz` runs the same checks on many more seeds.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { attackSandbox } = require('../../fuzz/sandbox-check');

test('40 seeded hostile functions: defined outcomes, valid traces, no escape, backdoors still found', async () => {
  const { violations, figures } = await attackSandbox({ seed: 1207, count: 40 });
  assert.deepEqual(violations, []);
  assert.equal(figures.functions, 40);
  assert.ok(figures.files >= 2);
  assert.ok(figures.limit > 0 && figures.return + figures.throw > 0, JSON.stringify(figures));
});
