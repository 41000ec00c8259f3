// Code actions on a document above orbit.maxFileSize: nothing is offered and nothing is parsed
// (editors ask on every cursor move, and a parse on the main thread would stall every request).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, rangeOf, VULNERABLE } = require('./lsp-harness');

test('a document above orbit.maxFileSize gets no code actions, not even "Regenerate securely"', async () => {
  const s = await startSession({ initializationOptions: { maxFileSize: VULNERABLE.length + 10, debounceMs: 0 } });
  const small = 'file:///work/small.js';
  const big = 'file:///work/big.js';
  const padded = `${VULNERABLE}\n${'// padding\n'.repeat(50)}`;
  await s.open(small, VULNERABLE);
  await s.open(big, padded);
  await s.diagnostics(small, 1);
  await s.diagnostics(big, 1);
  const ask = (uri, text) => s.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: rangeOf(text, 'req.query'), context: { diagnostics: [] } });
  const offered = await ask(small, VULNERABLE);
  assert.ok(offered.some((a) => /Regenerate securely/.test(a.title)), 'the same selection in a small file is offered regeneration');
  assert.deepEqual(await ask(big, padded), []);
  await s.stop();
});
