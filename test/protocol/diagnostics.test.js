// An editor's session end to end: open a vulnerable handler, see the CWE diagnostic, edit it to
// the fix, apply the quick fix, suppress it, close it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, positionOf, applyEdits, editsFor, VULNERABLE, FIXED } = require('./lsp-harness');

const URI = 'file:///work/app/routes/users.js';

test('initialize chooses capabilities from the client: incremental sync, quick fixes, commands, progress-free pull only when asked', async () => {
  const s = await startSession();
  const caps = s.initializeResult.capabilities;
  assert.equal(caps.textDocumentSync.change, 2);
  assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix']);
  assert.ok(caps.executeCommandProvider.commands.includes('orbit-ls.reanalyze'));
  assert.equal(caps.diagnosticProvider, undefined, 'no pull diagnostics for a client that does not advertise them');
  assert.equal(s.initializeResult.serverInfo.name, 'orbit-ls');
  await s.stop();
});

test('didOpen of a vulnerable Express handler publishes a CWE-89 diagnostic with the version', async () => {
  const s = await startSession();
  await s.open(URI, VULNERABLE);
  const diagnostics = await s.diagnostics(URI, 1);
  const sql = diagnostics.find((d) => d.code === 'sql-injection');
  assert.ok(sql, `expected a sql-injection diagnostic, got ${JSON.stringify(diagnostics)}`);
  assert.equal(sql.source, 'orbit-ls');
  assert.match(sql.message, /\(CWE-89\)/);
  assert.match(sql.codeDescription.href, /^file:\/\/.*\/docs\/rules\.md#sql-injection$/);
  assert.equal(sql.range.start.line, positionOf(VULNERABLE, 'db.all').line);
  assert.equal(sql.data.version, 1);
  assert.ok(sql.relatedInformation.some((r) => r.location.uri === URI && /req\.query\.id/.test(r.message)), 'the flow from the source is related information');
  await s.stop();
});

test('editing the handler into a parameterised query clears the diagnostic', async () => {
  const s = await startSession();
  await s.open(URI, VULNERABLE);
  assert.ok((await s.diagnostics(URI, 1)).some((d) => d.code === 'sql-injection'));
  await s.replace(URI, 2, VULNERABLE, FIXED);
  assert.deepEqual((await s.diagnostics(URI, 2)).filter((d) => d.code === 'sql-injection'), []);
  await s.stop();
});

test('the preferred quick fix applies as a versioned edit and leaves the document clean', async () => {
  const s = await startSession();
  await s.open(URI, VULNERABLE);
  const sql = (await s.diagnostics(URI, 1)).find((d) => d.code === 'sql-injection');
  assert.ok(sql, 'expected a sql-injection diagnostic');
  const actions = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: sql.range, context: { diagnostics: [sql] } });
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred, `expected a preferred fix among ${actions.map((a) => a.title)}`);
  assert.equal(preferred.kind, 'quickfix');
  assert.equal(preferred.edit.documentChanges[0].textDocument.version, 1);
  const fixed = applyEdits(VULNERABLE, editsFor(preferred.edit, URI));
  await s.replace(URI, 2, VULNERABLE, fixed);
  assert.deepEqual((await s.diagnostics(URI, 2)).filter((d) => d.code === 'sql-injection'), []);
  await s.stop();
});

test('"Ignore <rule> on this line" inserts the suppression comment and the finding goes away', async () => {
  const s = await startSession();
  await s.open(URI, VULNERABLE);
  const sql = (await s.diagnostics(URI, 1)).find((d) => d.code === 'sql-injection');
  assert.ok(sql, 'expected a sql-injection diagnostic');
  const actions = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: sql.range, context: { diagnostics: [sql] } });
  const ignore = actions.find((a) => a.title === 'Ignore sql-injection on this line (orbit-ls)');
  assert.ok(ignore);
  const suppressed = applyEdits(VULNERABLE, editsFor(ignore.edit, URI));
  assert.match(suppressed, /\n {2}\/\/ orbit-ignore-next-line sql-injection -- .*\n {2}db\.all/);
  await s.replace(URI, 2, VULNERABLE, suppressed);
  assert.deepEqual((await s.diagnostics(URI, 2)).filter((d) => d.code === 'sql-injection'), []);
  await s.stop();
});

test('didClose publishes an empty diagnostic list', async () => {
  const s = await startSession();
  await s.open(URI, VULNERABLE);
  await s.diagnostics(URI, 1);
  await s.closeDocument(URI);
  const last = await s.waitFor(() => {
    const list = s.publishedFor(URI);
    return list.length >= 2 ? list[list.length - 1] : undefined;
  }, 'the clearing publish');
  assert.deepEqual(last.diagnostics, []);
  await s.stop();
});

test('pull diagnostics are offered and answered when the client advertises them', async () => {
  const { CLIENT_CAPABILITIES } = require('./lsp-harness');
  const capabilities = { ...CLIENT_CAPABILITIES, textDocument: { ...CLIENT_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } } };
  const s = await startSession({ capabilities });
  assert.equal(s.initializeResult.capabilities.diagnosticProvider.interFileDependencies, false);
  await s.open(URI, VULNERABLE);
  const report = await s.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: URI } });
  assert.equal(report.kind, 'full');
  assert.ok(report.items.some((d) => d.code === 'sql-injection' && /CWE-89/.test(d.message)));
  await s.stop();
});

test('turning a rule off in the configuration clears its diagnostics after didChangeConfiguration', async () => {
  let rules = {};
  const s = await startSession({ configuration: () => ({ rules }) });
  await s.open(URI, VULNERABLE);
  assert.ok((await s.diagnostics(URI, 1)).some((d) => d.code === 'sql-injection'));
  rules = { 'sql-injection': 'off' };
  await s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
  const cleared = await s.waitFor(() => {
    const lists = s.publishedFor(URI);
    return lists.length >= 2 ? lists[lists.length - 1].diagnostics : undefined;
  }, 'a re-analysis');
  assert.deepEqual(cleared.filter((d) => d.code === 'sql-injection'), []);
  await s.stop();
});

test('orbit-ls.reanalyze reports work-done progress only to a client that supports it', async () => {
  for (const workDoneProgress of [true, false]) {
    const { CLIENT_CAPABILITIES } = require('./lsp-harness');
    const s = await startSession({ capabilities: { ...CLIENT_CAPABILITIES, window: { workDoneProgress } } });
    const progress = [];
    s.client.onNotification('$/progress', (p) => { progress.push(p.value.kind); });
    await s.open(URI, VULNERABLE);
    await s.diagnostics(URI, 1);
    const result = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.reanalyze', arguments: [] });
    assert.deepEqual(result, { analysed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(progress, workDoneProgress ? ['begin', 'end'] : []);
    await s.stop();
  }
});
