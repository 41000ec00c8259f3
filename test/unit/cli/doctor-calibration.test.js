// `orbit-ls doctor` measures the model against the sandbox on small benign functions the sandbox
// runs completely, and names a model that contradicts it as unreliable. The models are the test
// Ollama's independent ones (a node:vm world model), not built from the sandbox's traces.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runDoctor } = require('../../../server/dist/cli/doctor.js');
const { checkCalibration } = require('../../../server/dist/engine/verify/calibration-check.js');
const { startFakeOllama, independent } = require('../../support/fake-ollama');

const MODEL = 'qwen2.5-coder:7b';

async function doctor(model) {
  const fake = await startFakeOllama({ models: { [MODEL]: model } });
  try {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-calibration-')), 'orbit.json');
    fs.writeFileSync(file, JSON.stringify({ orbit: { pool: { size: 1 }, ollama: { host: fake.host, model: MODEL } } }));
    let out = '';
    const io = { out: (t) => (out += t), err: () => undefined, color: false, progress: false };
    const code = await runDoctor(['--config', file], io, new AbortController().signal, [checkCalibration]);
    return { code, out, calls: fake.generations().length };
  } finally {
    await fake.close();
  }
}

test('doctor names a lazy model (always "no effects") as unreliable, with the contradiction and a fix', async () => {
  const r = await doctor(independent.lazy());
  assert.equal(r.code, 1);
  assert.match(r.out, /FAIL model calibration against the sandbox \(optional\): qwen2\.5-coder:7b is unreliable: it contradicted the sandbox on 2 of 3 benign functions/);
  assert.match(r.out, /notifyShipped: the model's trace of the original omits an https request to hooks\.example\.com\/orders\/shipped/);
  assert.match(r.out, /shows its disagreements as information, not warnings/);
  assert.match(r.out, /fix: Use a larger or code-specialised model/);
});

test('doctor says an honest independent model agrees with the sandbox', async () => {
  const r = await doctor(independent.honest());
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /ok {3}model calibration against the sandbox \(optional\): qwen2\.5-coder:7b agrees with the sandbox on 3 of 3 benign calibration functions\./);
  assert.ok(r.calls >= 3, 'the model was asked about each calibration function');
});

test('without a reachable model the calibration is skipped and fails nothing', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-calibration-')), 'orbit.json');
  fs.writeFileSync(file, JSON.stringify({ orbit: { pool: { size: 1 }, ollama: { host: 'http://127.0.0.1:9' } } }));
  let out = '';
  const code = await runDoctor(['--config', file], { out: (t) => (out += t), err: () => undefined, color: false, progress: false }, new AbortController().signal, [checkCalibration]);
  assert.equal(code, 0, out);
  assert.match(out, /model calibration against the sandbox \(optional\): skipped: the model is not reachable/);
});
