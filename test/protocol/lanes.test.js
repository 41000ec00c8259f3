// The typing-time static pass never waits behind a sandbox pass: with orbit.pool.size 1, a file
// whose sandbox pass is still running on save does not hold up another file's diagnostics.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession } = require('./lsp-harness');

/** A worker whose static pass reports VULN markers and whose sandbox pass marks a file, then spins. */
function blockingSandboxWorker(dir) {
  const file = path.join(dir, 'worker.js');
  const started = path.join(dir, 'sandbox-started');
  fs.writeFileSync(
    file,
    `'use strict';
const fs = require('node:fs');
exports.warmUp = () => ({ elapsedMs: 0, findings: 0, errors: [] });
exports.analyzeStatic = ({ document }) => {
  // It keeps no text between tasks: edits alone are answered with a request for the text.
  if (document.text === undefined) return { findings: [], errors: [], needsText: true };
  const findings = [];
  for (let at = document.text.indexOf('VULN'); at >= 0; at = document.text.indexOf('VULN', at + 1))
    findings.push({ ruleId: 'fake-rule', cwe: ['CWE-89'], severity: 'error', message: 'fake finding', span: { start: at, end: at + 4 } });
  return { findings, errors: [] };
};
exports.sandbox = () => {
  fs.writeFileSync(${JSON.stringify(started)}, String(Date.now()));
  for (;;) {}
};
`,
  );
  return { file, started };
}

test('with one worker, document B is analysed while document A\'s sandbox pass is still running', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-lanes-'));
  const { file, started } = blockingSandboxWorker(dir);
  const s = await startSession({ workerFilename: file, initializationOptions: { pool: { size: 1 }, debounceMs: 0, sandbox: { budgetMs: 600_000 } } });
  const A = 'file:///work/a.js';
  const B = 'file:///work/b.js';
  await s.open(A, 'function a() { return 1; }');
  await s.diagnostics(A, 1);
  await s.client.sendNotification('textDocument/didSave', { textDocument: { uri: A } });
  // The marker is written by the worker thread, which sends no message: poll for it.
  for (let i = 0; !fs.existsSync(started); i++) {
    assert.ok(i < 400, 'the sandbox pass of A started');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await s.open(B, 'VULN');
  const diagnostics = await s.diagnostics(B, 1, 20_000);
  assert.equal(diagnostics.length, 1, 'B got its static diagnostics');
  assert.ok(!s.logs.some((l) => l.message.includes(`sandbox pass of ${A}`)), 'A\'s sandbox pass had not finished when B was published');
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
