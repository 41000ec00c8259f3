// Streamed code generation: chunks as they arrive, clean abort (by signal or by leaving the
// loop) that the server sees, stop sequences, and failures as ModelCallError.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { ModelCallError } = require('../../../server/dist/external/llm/types.js');
const { STALL_TIMEOUTS, setup, never, models } = require('./support.js');

const CODE = 'const rows = await db.query("SELECT * FROM users WHERE id = ?", [id]);\nreturn rows[0];\n';

async function collect(stream) {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

test('generation streams the text in chunks and reports usage and done_reason', async () => {
  const { fake, backend, close } = await setup(models.scripted(CODE));
  try {
    const stream = backend.generateStream({ prompt: 'Rewrite safely', system: 'You write JavaScript.', options: { seed: 7 } }, never());
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.join(''), CODE);
    assert.ok(chunks.length > 10, 'arrives piece by piece');
    assert.equal(stream.doneReason, 'stop');
    assert.equal(stream.usage.outputTokens, chunks.length);
    const [sent] = fake.generations();
    assert.equal(sent.path, '/api/generate');
    assert.equal(sent.body.stream, true);
    assert.equal(sent.body.system, 'You write JavaScript.');
    assert.equal(sent.body.options.seed, 7);
  } finally {
    await close();
  }
});

test('nothing is requested until the stream is read', async () => {
  const { fake, backend, close } = await setup(models.scripted(CODE));
  try {
    backend.generateStream({ prompt: 'x' }, never());
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(fake.generations().length, 0);
  } finally {
    await close();
  }
});

test('aborting the signal mid-stream throws cancelled and the server stops generating', async () => {
  const { fake, backend, close } = await setup(models.slow(models.scripted(CODE.repeat(5)), { delayMs: 5 }));
  try {
    const ac = new AbortController();
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of backend.generateStream({ prompt: 'x' }, ac.signal)) {
          text += chunk;
          if (text.length > 20) ac.abort();
        }
      })(),
      (error) => error instanceof ModelCallError && error.failure.kind === 'cancelled',
    );
    await fake.waitFor((rs) => rs.some((r) => r.aborted));
    assert.equal(fake.generations()[0].completed, false);
    assert.equal(backend.load().active, 0, 'the slot is given back');
  } finally {
    await close();
  }
});

test('leaving the loop early closes the request (cut and resume)', async () => {
  const { fake, backend, close } = await setup(models.slow(models.scripted(CODE.repeat(5)), { delayMs: 5 }));
  try {
    let text = '';
    for await (const chunk of backend.generateStream({ prompt: 'x' }, never())) {
      text += chunk;
      if (text.includes(';')) break;
    }
    await fake.waitFor((rs) => rs.some((r) => r.aborted));
    const resumed = await collect(backend.generateStream({ prompt: `x\n${text}`, raw: true }, never()));
    assert.ok(resumed.length > 0);
    assert.equal(fake.generations()[1].body.raw, true);
    assert.equal(backend.load().active, 0);
  } finally {
    await close();
  }
});

test('stop sequences end the answer before the stop text', async () => {
  const { backend, close } = await setup(models.scripted(CODE));
  try {
    const stream = backend.generateStream({ prompt: 'x', options: { stop: ['return'] } }, never());
    const text = await collect(stream);
    assert.equal(text, 'const rows = await db.query("SELECT * FROM users WHERE id = ?", [id]);\n');
    assert.equal(stream.doneReason, 'stop');
  } finally {
    await close();
  }
});

test('failures surface as ModelCallError with the same kinds as trace prediction', async () => {
  /** @type {Array<[Function, string]>} */
  const cases = [
    [models.busy(), 'busy'],
    [models.failsMidStream(), 'error'],
    [models.stalled(), 'timeout'],
  ];
  for (const [model, kind] of cases) {
    const { backend, close } = await setup(model, { backend: STALL_TIMEOUTS });
    try {
      await assert.rejects(collect(backend.generateStream({ prompt: 'x' }, never())), (error) => {
        assert.ok(error instanceof ModelCallError);
        assert.equal(error.failure.kind, kind);
        return true;
      });
    } finally {
      await close();
    }
  }
});
