// Settings that turn checks off or down are announced: one window/showMessage warning per setting
// that silences something, naming it and where it came from, and again only after a change.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, VULNERABLE } = require('./lsp-harness');

const URI = 'file:///work/app.js';
const silencing = (s) => s.messages.filter((m) => m.type === 2 && /a check is turned off or down/.test(m.message));

test('a project configuration that turns a rule off and the sandbox off is announced, once each', async () => {
  const s = await startSession({
    initializationOptions: { rules: { 'sql-injection': 'off' } },
    configuration: () => ({ rules: { 'command-injection': 'hint' }, sandbox: { enabled: false } }),
  });
  await s.open(URI, VULNERABLE);
  const diagnostics = await s.diagnostics(URI, 1);
  assert.ok(!diagnostics.some((d) => d.code === 'sql-injection'), 'the rule is off as configured');
  await s.open('file:///work/other.js', VULNERABLE);
  await s.diagnostics('file:///work/other.js', 1);
  const warnings = silencing(s).map((m) => m.message);
  assert.equal(warnings.length, 3, JSON.stringify(warnings));
  assert.ok(warnings.some((m) => /orbit\.rules\["sql-injection"\] is "off" \(set in initializationOptions\): SQL injection .* is no longer reported/.test(m)));
  assert.ok(warnings.some((m) => /orbit\.rules\["command-injection"\] is "hint" \(set in the client's workspace\/configuration answer[^)]*\): .* below its default severity "error"/.test(m)));
  assert.ok(warnings.some((m) => /orbit\.sandbox\.enabled is false .*: hidden triggers/.test(m)));
  await s.stop();
});

test('a rule turned off by a later configuration change is announced when the change arrives', async () => {
  const s = await startSession({ initializationOptions: { debounceMs: 0 } });
  await s.open(URI, VULNERABLE);
  await s.diagnostics(URI, 1);
  assert.equal(silencing(s).length, 0, 'defaults silence nothing');
  await s.client.sendNotification('workspace/didChangeConfiguration', { settings: { orbit: { rules: { 'sql-injection': 'off' } } } });
  const [warning] = await s.waitFor(() => (silencing(s).length > 0 ? silencing(s) : undefined), 'the warning');
  assert.match(warning.message, /orbit\.rules\["sql-injection"\] is "off" \(set in workspace\/didChangeConfiguration\)/);
  // The same setting again is not news.
  await s.client.sendNotification('workspace/didChangeConfiguration', { settings: { orbit: { rules: { 'sql-injection': 'off' }, debounceMs: 10 } } });
  await s.replace(URI, 2, VULNERABLE, `${VULNERABLE}\n`);
  await s.diagnostics(URI, 2);
  assert.equal(silencing(s).length, 1);
  await s.stop();
});
