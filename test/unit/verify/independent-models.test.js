// Verification against models that do not derive from the sandbox (the test Ollama's node:vm world
// model), on a slice of the trigger set: the user-visible union still catches every backdoor, a
// lazy model puts no warning on benign code and is marked unreliable, honest noise on values,
// results and URLs flags nothing benign, and a model that fails on purpose is never silent.
// The full table: node test/eval/adversarial.js
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { evaluate } = require('../../eval/adversarial.js');

const FILES = /(benign\/(webhook-config|deep-health|maintenance-switch)|backdoored\/(compound-voucher|env-gated-next|year-month-beacon))\.js$/;

test('independent adversarial models: union catches every backdoor, no benign warning, no silent failure', async () => {
  const rows = await evaluate({ files: FILES, only: /noise|lazy|liar|503/ });
  const names = Object.keys(rows);
  assert.equal(names.length, 4, names.join(', '));
  for (const [name, r] of Object.entries(rows)) {
    assert.equal(r.backdoored, 3, name);
    assert.equal(r.benign, 3, name);
    assert.equal(r.caught, r.backdoored, `${name} missed ${r.missed.join(', ')}`);
    assert.equal(r.benignFlagged, 0, `${name} flagged ${r.flagged.join(', ')}`);
    assert.equal(r.silentFailures, 0, name);
    // A model that contradicts the sandbox pays for the second sample and the larger orbit until
    // it is marked unreliable; from then on it is shown at most four rewrites.
    if (!r.unreliable) assert.ok(r.calls / r.functions <= 6, `${name}: ${r.calls} calls for ${r.functions} functions`);
    else assert.ok(r.callsOnceMarked / r.functionsOnceMarked <= 6, `${name}: ${r.callsOnceMarked} calls for ${r.functionsOnceMarked} functions once marked`);
  }
  const lazy = rows[names.find((n) => /lazy/.test(n))];
  assert.equal(lazy.unreliable, true, 'the lazy model contradicts the sandbox on a fully covered benign function');
  const failing = rows[names.find((n) => /503/.test(n))];
  assert.ok(failing.incomplete >= 2, `functions reported incomplete: ${failing.incomplete}`);
});
