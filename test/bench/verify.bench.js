// Benchmark section: model verification of one function on save, with the test Ollama answering
// instantly from the sandbox (an honest simulated model), so the times are orbit-ls's own work —
// preparing the unit (orbit of 8, sandbox runs to choose inputs) and comparing the traces —
// plus HTTP streaming to a local server. A real model adds its own generation time per call.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const S = require('../unit/verify/support');
const { median } = require('./stats');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'verification', 'hidden', 'order-total--env-post.js');

async function run({ quick }) {
  const { verifyPrepare } = require('../../server/dist/workers/tasks/verify-prepare.js');
  const { sandbox } = require('../../server/dist/workers/tasks/sandbox.js');
  // Verification shares the sandbox pass's runs through this thread's cache; emptied before each
  // timed step that should pay for its own runs.
  const { clearUnitCache } = require('../../server/dist/external/sandbox/harness.js');
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const samples = quick ? 3 : 10;
  const fake = await S.startOllama((p) => S.models.honest(p));
  const rows = [];
  try {
    const input = { document: { fileName: 'bench.js', text }, maxOrbit: 8, deltaMin: 0.05, maxInputs: 4, sandboxTimeMs: 1000 };
    await verifyPrepare(input);
    const prep = [];
    const shared = [];
    for (let i = 0; i < samples; i++) {
      clearUnitCache();
      const t = performance.now();
      await verifyPrepare(input);
      prep.push(performance.now() - t);
      // On save the sandbox pass has usually run the function already, in the same thread.
      clearUnitCache();
      await sandbox({ fileName: input.document.fileName, text, limits: { timeMs: input.sandboxTimeMs } });
      const u = performance.now();
      await verifyPrepare(input);
      shared.push(performance.now() - u);
    }
    rows.push(['prepare one function (orbit of 8, sandbox inputs and traces)', `${median(prep).toFixed(0)} ms`, '']);
    rows.push(['the same, after the sandbox pass ran the function (its runs reused)', `${median(shared).toFixed(0)} ms`, '']);
    for (const adaptive of [true, false]) {
      const times = [];
      let calls = 0;
      for (let i = 0; i < samples; i++) {
        // A new backend each time: nothing comes from the answer cache.
        const { verifier } = S.makeVerifier(fake.host);
        clearUnitCache();
        const t = performance.now();
        const report = await verifier.verify({ doc: S.snapshot(text, { version: i + 1 }), settings: S.settings({ adaptive }), staticFindings: [] }, new AbortController().signal);
        times.push(performance.now() - t);
        calls = report.units[0].modelCalls;
      }
      rows.push([`verify one changed function on save, ${adaptive ? 'adaptive orbit' : 'orbit of 8'}`, `${median(times).toFixed(0)} ms`, String(calls)]);
    }
    const { verifier } = S.makeVerifier(fake.host);
    await verifier.verify({ doc: S.snapshot(text), settings: S.settings(), staticFindings: [] }, new AbortController().signal);
    const t = performance.now();
    await verifier.verify({ doc: S.snapshot(text, { version: 2 }), settings: S.settings(), staticFindings: [] }, new AbortController().signal);
    rows.push(['save again without changing the function', `${(performance.now() - t).toFixed(0)} ms`, '0']);
  } finally {
    await fake.close();
  }
  return {
    title: 'Model verification on save (simulated model answering at once)',
    columns: ['step', 'median', 'model calls'],
    rows,
    notes: 'The simulated model answers from the sandbox without generation time; with a real model each call adds its generation time (seconds for a 7B model on a laptop).',
  };
}

module.exports = { run };
