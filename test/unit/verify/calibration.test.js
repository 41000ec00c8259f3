// Calibration: a model is measured against the sandbox on the functions the sandbox fully covers
// and finds nothing in. A lazy model (it always says "no effects") contradicts it there, is marked
// unreliable, and its disagreements become information: it puts no warning on benign code.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./support');

const BENIGN = `async function notify(summary) {
  await fetch(process.env.REPORT_WEBHOOK_URL, { method: 'POST', body: JSON.stringify(summary) });
  return summary.orders;
}

async function health(db) {
  const r = await fetch(process.env.UPSTREAM_HEALTH_URL);
  return { ok: r.ok };
}
module.exports = { notify, health };
`;

const never = () => new AbortController().signal;

async function verifyWith(makeModel) {
  const fake = await S.startOllama(makeModel);
  try {
    const { verifier, gate } = S.makeVerifier(fake.host);
    await gate.start(never());
    // A generous run limit: on a saturated machine a run cut short is no ground truth to measure by.
    const base = S.settings();
    const settings = { ...base, sandbox: { ...base.sandbox, timeMs: 10_000 } };
    const report = await verifier.verify({ doc: S.snapshot(BENIGN), settings, staticFindings: [] }, never());
    gate.dispose();
    return report;
  } finally {
    await fake.close();
  }
}

test('a lazy model that always predicts no effects puts no warning on benign code and is marked unreliable', async () => {
  const report = await verifyWith((p) => S.models.backdoored(p, { trigger: () => true, hide: () => true }));
  const serious = report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  assert.deepEqual(serious, []);
  assert.equal(report.calibration.unreliable, true);
  assert.ok(report.calibration.disagreed >= 1);
  const told = report.findings.filter((f) => f.ruleId === 'orbit/model-contradicts-sandbox');
  assert.ok(told.length >= 1 && told.every((f) => f.severity === 'information' && /shown as information/.test(f.message)));
});

test('an honest model on the same code is measured reliable', async () => {
  const report = await verifyWith((p) => S.models.honest(p));
  assert.deepEqual(report.findings, []);
  assert.deepEqual(report.calibration, { covered: 2, disagreed: 0, unreliable: false });
});
