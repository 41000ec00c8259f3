// Configuration as editors send it: initializationOptions, workspace/configuration per resource
// (null from eglot), didChangeConfiguration, and values of the wrong type.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, fakeWorker } = require('./lsp-harness');

const URI = 'file:///work/app/handler.js';
const workerFilename = fakeWorker();

test('a null workspace/configuration answer (as eglot sends) means defaults, and analysis works', async () => {
  const s = await startSession({ workerFilename, configuration: () => null });
  await s.open(URI, 'VULN');
  assert.equal((await s.diagnostics(URI, 1)).length, 1);
  const { settings, problems } = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.settings', arguments: [URI] });
  assert.equal(settings.debounceMs, 200);
  assert.deepEqual(problems, []);
  assert.ok(s.configurationRequests.some((r) => r.items.some((i) => i.section === 'orbit' && i.scopeUri === URI)), 'settings are asked per resource');
  assert.deepEqual(s.messages, []);
  await s.stop();
});

test('an empty array for the "orbit" section (Neovim\'s empty Lua table) means defaults, without a warning', async () => {
  const s = await startSession({ workerFilename, initializationOptions: [], configuration: () => [] });
  await s.open(URI, 'VULN');
  assert.equal((await s.diagnostics(URI, 1)).length, 1);
  const { settings, problems } = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.settings', arguments: [URI] });
  assert.equal(settings.debounceMs, 200);
  assert.deepEqual(problems, []);
  assert.deepEqual(s.messages, []);
  await s.stop();
});

test('a setting of the wrong type gets a showMessage warning naming the key and the fallback, and analysis goes on', async () => {
  const s = await startSession({ workerFilename, configuration: () => ({ debounceMs: 'fast', rules: { 'fake-rule': 'loud' } }) });
  await s.open(URI, 'VULN');
  assert.equal((await s.diagnostics(URI, 1)).length, 1, 'the document is still analysed');
  const warning = await s.waitFor(() => s.messages.find((m) => m.message.includes('orbit.debounceMs')), 'a warning about orbit.debounceMs');
  assert.equal(warning.type, 2);
  assert.match(warning.message, /orbit\.debounceMs: expected an integer ≥ 0 and ≤ 10000, got "fast"; using the default 200/);
  const rule = await s.waitFor(() => s.messages.find((m) => m.message.includes('orbit.rules')), 'a warning about orbit.rules');
  assert.match(rule.message, /rule "fake-rule": expected one of .*got "loud"/);
  await s.stop();
});

test('initializationOptions of the wrong type fall back to defaults with a warning', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { pool: { size: 'many' }, maxFileSize: -3 } });
  await s.open(URI, 'VULN');
  assert.equal((await s.diagnostics(URI, 1)).length, 1);
  await s.waitFor(() => s.messages.find((m) => /orbit\.pool\.size: .*"many"; using the default \d+/.test(m.message)), 'a pool.size warning');
  await s.waitFor(() => s.messages.find((m) => /orbit\.maxFileSize: .*-3; using the default 2000000/.test(m.message)), 'a maxFileSize warning');
  await s.stop();
});

test('didChangeConfiguration clears the cached settings and re-analyses open documents', async () => {
  let level = 'error';
  const s = await startSession({ workerFilename, configuration: () => ({ rules: { 'fake-rule': level } }) });
  await s.open(URI, 'VULN');
  await s.diagnostics(URI, 1);
  const asked = s.configurationRequests.length;
  level = 'warning';
  await s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await s.waitFor(() => (s.publishedFor(URI).length >= 2 ? true : undefined), 'a second publish');
  assert.ok(s.configurationRequests.length > asked, 'settings were asked again');
  await s.stop();
});

test('settings pushed by didChangeConfiguration apply when the client cannot be asked', async () => {
  const s = await startSession({ workerFilename, capabilities: { textDocument: {} } });
  await s.open(URI, 'VULN');
  await s.diagnostics(URI, 1);
  await s.client.sendNotification('workspace/didChangeConfiguration', { settings: { orbit: { debounceMs: 7 } } });
  const { settings } = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.settings', arguments: [URI] });
  assert.equal(settings.debounceMs, 7);
  assert.equal(s.configurationRequests.length, 0);
  await s.stop();
});
