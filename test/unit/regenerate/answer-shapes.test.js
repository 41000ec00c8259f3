// Regeneration with answers shaped as instruct models write them, streamed by the test Ollama over
// NDJSON: the body in a fence, the whole function restated (after a resume, with the accepted
// statements again), prose around the code, and a <think> block first. Each must give the same
// safe edit as a completion model's bare continuation, and statements must still be checked
// while they stream.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startFakeOllama, models } = require('../../support/fake-ollama');
const code = require('../../support/fake-ollama/code-models.js');
const { createOllamaBackend } = require('../../../server/dist/external/llm/ollama');
const { regenerate } = require('../../../server/dist/engine/regenerate');
const { defaultSettings } = require('../../../server/dist/config/validate');
const { VULNERABLE: TEXT } = require('../../support/express-app');

const PLAN = {
  safe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'],
  unsafe: ['const id = String(req.query.id);', 'db.all("SELECT * FROM users WHERE id = " + id, (err, rows) => res.json(rows));'],
};

/** @returns {import('../../../server/dist/engine/regenerate/index').RegenerateRequest} */
function request() {
  const at = TEXT.indexOf('"SELECT');
  return {
    uri: 'file:///app.js', version: 3, fileName: 'app.js', text: TEXT, language: 'js',
    span: { start: at, end: at + 7 }, finding: { ruleId: 'sql-injection', message: 'User input from req.query.id reaches a SQL query (CWE-89)' },
  };
}

async function regenerateWith(model) {
  const fake = await startFakeOllama({ models: { 'coder:test': model } });
  try {
    const backend = createOllamaBackend({ host: fake.host, model: 'coder:test' });
    // What is under test is reading the answer; the sandbox comparison of the new body (a
    // time-limited run a busy machine can cut short) is tested in regenerate.test.js.
    const base = defaultSettings();
    const settings = { ...base, regenerate: { ...base.regenerate, sandbox: false } };
    const result = /** @type {import('../../../server/dist/engine/regenerate/index').RegenerateResult & { message?: string }} */ (await regenerate(request(), { settings, generator: backend }, new AbortController().signal));
    return { result, generations: fake.generations() };
  } finally {
    await fake.close();
  }
}

for (const shape of Object.keys(code.codeShapes)) {
  test(`an answer shaped "${shape}" gives the safe edit at the first attempt`, async () => {
    const { result, generations } = await regenerateWith(code.shaped(code.secureCoder({ ...PLAN, propensity: 0 }), shape));
    assert.equal(result.kind, 'edit', result.message);
    assert.equal(result.attempts, 1);
    assert.match(result.edit.newText, /^\n  const id = String\(req\.query\.id\);\n  db\.all\("SELECT \* FROM users WHERE id = \?", \[id\]/);
    assert.doesNotMatch(result.edit.newText, /```|Here is|Sure|think|app\.get/);
    assert.equal(generations.length, 1);
  });

  test(`an answer shaped "${shape}" is still cut at the unsafe statement and resumed`, async () => {
    const { result, generations } = await regenerateWith(code.shaped(code.injectsThenComplies(PLAN), shape));
    assert.equal(result.kind, 'edit', result.message);
    assert.equal(result.cuts.length, 1);
    assert.equal(result.cuts[0].violations[0].constraint, 'sql-injection');
    // The resumed attempt repeats the accepted statement when the function is restated; it is
    // taken once, not twice.
    assert.equal(result.edit.newText.match(/const id = /g).length, 1);
    assert.match(result.edit.newText, /WHERE id = \?", \[id\]/);
    assert.equal(generations.length, 2);
  });
}

test('the unsafe statement of a fenced, restated answer is cut while it streams, before the answer ends', async () => {
  const tail = Array.from({ length: 40 }, (_, i) => `  console.log("line ${i}");`);
  const plan = { safe: [...PLAN.safe, ...tail], unsafe: [...PLAN.unsafe, ...tail] };
  const { result, generations } = await regenerateWith(models.slow(code.shaped(code.injectsThenComplies(plan), 'thinking'), { delayMs: 2 }));
  assert.equal(result.kind, 'edit', result.message);
  assert.equal(generations[0].completed, false, 'the first answer was stopped at the unsafe statement');
  assert.ok(generations[0].aborted);
});
