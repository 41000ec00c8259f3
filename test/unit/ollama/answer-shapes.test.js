// Trace answers shaped as models write them when the structured-output constraint is not
// honoured (older Ollama, models that ignore `format`), streamed over NDJSON by the test Ollama:
// a fenced JSON block, a <think> block first, prose before and after. Each is read at the first
// answer, without the retry a malformed answer costs.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { setup, request, groundTruth, never, models } = require('./support.js');

for (const [shape, wrap] of Object.entries(models.jsonShapes)) {
  test(`a trace answer shaped "${shape}" is read without a retry`, async () => {
    const { fake, backend, close } = await setup(models.reshaped(models.honest(groundTruth), wrap));
    try {
      const outcome = /** @type {import('../../../server/dist/external/llm/types').PredictOutcome & { detail?: string }} */ (await backend.predictTrace(request(), {}, never()));
      assert.equal(outcome.kind, 'ok', outcome.detail);
      assert.equal(outcome.traces.length, 2);
      assert.equal(outcome.traces[1].effects[0].kind, 'network');
      assert.equal(fake.generations().length, 1);
      assert.equal(fake.generations()[0].formatViolation, true, 'the answer really was not bare JSON');
    } finally {
      await close();
    }
  });
}

test('an answer with no complete JSON object is still refused after one retry', async () => {
  const { fake, backend, close } = await setup(models.garbage('<think>\nhmm\n</think>\nThe traces are {"traces": [ {"steps"'));
  try {
    const outcome = await backend.predictTrace(request(), {}, never());
    assert.equal(outcome.kind, 'unparseable');
    assert.equal(fake.generations().length, 2);
  } finally {
    await close();
  }
});
