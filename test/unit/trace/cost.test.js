// Cost accounting: calls, cache hits, tokens, time, and ARQ against one generation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { accountCost } = require('../../../server/dist/core/trace/index.js');

const call = (p, o, ms, requests = 1) => ({ promptTokens: p, outputTokens: o, wallMs: ms, requests });

test('ARQ is verification tokens over the tokens of one generation', () => {
  const c = accountCost([call(300, 200, 40), call(300, 220, 42), call(0, 0, 1, 0)], { tokens: 250, wallMs: 30 });
  assert.equal(c.modelCalls, 2);
  assert.equal(c.cacheHits, 1);
  assert.equal(c.tokens, 1020);
  assert.equal(c.wallMs, 83);
  assert.equal(c.arq, 1020 / 250);
  assert.equal(c.arqBasis, 'tokens');
});

test('without token counts ARQ falls back to time, and a retried call counts its requests', () => {
  const c = accountCost([call(0, 0, 100, 2), call(0, 0, 50)], { tokens: 0, wallMs: 50 });
  assert.equal(c.modelCalls, 3);
  assert.equal(c.arq, 3);
  assert.equal(c.arqBasis, 'time');
});

test('without a reference generation the first call is the unit of cost', () => {
  const c = accountCost([call(100, 100, 10), call(100, 100, 10), call(100, 100, 10)]);
  assert.equal(c.arq, 3);
  assert.equal(accountCost([]).arq, 0);
});
