// Regeneration end to end below the protocol: the real Ollama backend against the test Ollama's
// simulated code models. The engine must cut and resume, refuse what never complies or is garbage,
// and stop when cancelled.
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
    uri: 'file:///app.js', version: 7, fileName: 'app.js', text: TEXT, language: 'js',
    span: { start: at, end: at + 7 }, finding: { ruleId: 'sql-injection', message: 'User input from req.query.id reaches a SQL query (CWE-89)' },
  };
}

async function withModel(model, body) {
  const fake = await startFakeOllama({ models: { 'coder:test': model } });
  try {
    return await body(createOllamaBackend({ host: fake.host, model: 'coder:test' }), fake);
  } finally {
    await fake.close();
  }
}

function settings(over = {}) {
  const s = defaultSettings();
  return { ...s, regenerate: { ...s.regenerate, ...over } };
}

test('a model that first writes an injectable query is cut and resumed; the offered code is safe', async () => {
  await withModel(code.injectsThenComplies(PLAN), async (backend, fake) => {
    const r = /** @type {import('../../../server/dist/engine/regenerate/index').RegenerateResult & { message?: string }} */ (await regenerate(request(), { settings: settings(), generator: backend }, new AbortController().signal));
    assert.equal(r.kind, 'edit', r.message);
    assert.equal(r.version, 7);
    assert.match(r.edit.newText, /WHERE id = \?", \[id\]/);
    assert.doesNotMatch(r.edit.newText, /" \+ id/);
    // The edit covers the body only and keeps the two-space indentation.
    assert.equal(TEXT.slice(r.edit.span.start - 1, r.edit.span.start), '{');
    assert.equal(TEXT[r.edit.span.end], '}');
    assert.match(r.edit.newText, /^\n  const id/);
    // The cut is recorded: which statement, why, and that the first statement was kept.
    assert.equal(r.cuts.length, 1);
    assert.equal(r.cuts[0].violations[0].constraint, 'sql-injection');
    assert.match(r.cuts[0].statement, /" \+ id/);
    assert.ok(r.cuts[0].keptChars > 0);
    const prompts = fake.generations().map((g) => g.request.prompt);
    assert.equal(prompts.length, 2);
    assert.match(prompts[1], /Rejected earlier: `db\.all\("SELECT/);
    assert.match(prompts[1], /const id = String\(req\.query\.id\);$/);
    assert.notEqual(fake.generations()[0].request.options.seed, fake.generations()[1].request.options.seed);
    assert.deepEqual([r.verification.behaviour, r.verification.attack], ['preserved', 'blocked']);
    assert.match(r.title, /rewrite the body of app\.get \/users to remove sql-injection/);
  });
});

test('a model that never complies gets no edit and a clear message after the bounded retries', async () => {
  await withModel(code.neverComplies(PLAN), async (backend, fake) => {
    const r = await regenerate(request(), { settings: settings({ maxAttempts: 3 }), generator: backend }, new AbortController().signal);
    assert.equal(r.kind, 'failed');
    assert.match(r.message, /No secure version was found: the model kept writing code that breaks a constraint in 3 attempt\(s\).*CWE-89.*not changed/);
    assert.equal(fake.generations().length, 3);
    assert.equal(r.cuts.length, 3);
  });
});

test('a model that writes garbage gets no edit', async () => {
  await withModel(models.garbage('Sure! Here is the secure code: {steps: [line 1, ...'), async (backend) => {
    const r = await regenerate(request(), { settings: settings({ maxAttempts: 2 }), generator: backend }, new AbortController().signal);
    assert.equal(r.kind, 'failed');
    assert.match(r.message, /did not write valid code in 2 attempt/);
  });
});

test('the token budget bounds the whole regeneration', async () => {
  await withModel(code.neverComplies(PLAN), async (backend, fake) => {
    const r = await regenerate(request(), { settings: settings({ maxAttempts: 20, maxTokens: 100 }), generator: backend }, new AbortController().signal);
    assert.equal(r.kind, 'failed');
    assert.match(r.message, /budget ran out/);
    assert.ok(fake.generations().length < 20);
  });
});

test('cancelling a slow generation aborts the stream and offers nothing', async () => {
  await withModel(models.slow(code.secureCoder({ ...PLAN, propensity: 0 }), { delayMs: 40 }), async (backend, fake) => {
    const ctl = new AbortController();
    const pending = regenerate(request(), { settings: settings(), generator: backend }, ctl.signal);
    await fake.waitFor((rs) => rs.some((g) => g.chunks > 2));
    ctl.abort();
    const r = await pending;
    assert.equal(r.kind, 'cancelled');
    await fake.waitFor(() => fake.generations()[0].aborted);
  });
});

test('a secure body that behaves differently in the sandbox is never offered', async () => {
  const lazy = { safe: ['res.status(204).end();'], unsafe: ['res.status(204).end();'] };
  await withModel(code.secureCoder({ ...lazy, propensity: 0 }), async (backend) => {
    const r = await regenerate(request(), { settings: settings(), generator: backend }, new AbortController().signal);
    assert.equal(r.kind, 'failed');
    assert.match(r.message, /failed verification \(it behaves differently from the original on ordinary inputs\); it was not applied/);
  });
});

test('user policy is a constraint: a banned call is cut like a vulnerability', async () => {
  const plan = { safe: ['const id = Number(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'],
    unsafe: ['const id = eval(req.query.id);', 'db.all("SELECT * FROM users WHERE id = ?", [id], (err, rows) => res.json(rows));'] };
  await withModel(code.injectsThenComplies(plan), async (backend) => {
    const s = settings({ bannedCalls: ['eval'] });
    const r = /** @type {import('../../../server/dist/engine/regenerate/index').RegenerateResult & { message?: string }} */ (await regenerate(request(), { settings: s, generator: backend }, new AbortController().signal));
    assert.equal(r.kind, 'edit', r.message);
    assert.deepEqual(r.cuts[0].violations.map((v) => v.constraint).sort(), ['code-injection', 'policy/banned-call']);
    assert.match(r.edit.newText, /Number\(req\.query\.id\)/);
  });
});
