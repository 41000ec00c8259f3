// Scheduling as an editor sees it, with a substitute worker whose behaviour the text controls:
// bursts of edits, stale results, crashes and time-outs of the analysis.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession, fakeWorker, applyEdits, editsFor } = require('./lsp-harness');

const URI = 'file:///work/app/handler.js';
const workerFilename = fakeWorker();

test('a burst of rapid edits publishes diagnostics only for the last version', async () => {
  // The debounce is generous so a slow, shared CI machine cannot split the burst.
  const s = await startSession({ workerFilename, initializationOptions: { debounceMs: 300 } });
  await s.open(URI, 'let a = 1;');
  await s.diagnostics(URI, 1);
  let text = 'let a = 1;';
  for (let version = 2; version <= 21; version++) {
    const next = `${text}\n/* VULN ${version} */`;
    await s.replace(URI, version, text, next);
    text = next;
  }
  const last = await s.diagnostics(URI, 21);
  assert.equal(last.length, 20, 'one finding per marker in the final text');
  await new Promise((resolve) => setTimeout(resolve, 150));
  const versions = s.publishedFor(URI).map((p) => p.version);
  assert.deepEqual(versions, [1, 21], 'no intermediate version was published');
  await s.stop();
});

test('every published diagnostic list carries the version it was computed for', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { debounceMs: 0 } });
  await s.open(URI, 'VULN');
  await s.diagnostics(URI, 1);
  await s.replace(URI, 2, 'VULN', 'VULN VULN');
  assert.equal((await s.diagnostics(URI, 2)).length, 2);
  assert.ok(s.publishedFor(URI).length >= 2, 'both versions were published');
  for (const p of s.publishedFor(URI)) assert.equal(p.diagnostics.every((d) => d.data.version === p.version), true);
  await s.stop();
});

test('a code action for an older version than the document offers no edit', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { debounceMs: 5000 } });
  await s.open(URI, 'VULN');
  const [d] = await s.diagnostics(URI, 1);
  const fresh = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [d] } });
  assert.equal(applyEdits('VULN', editsFor(fresh.find((a) => a.isPreferred).edit, URI)), 'SAFE');
  await s.replace(URI, 2, 'VULN', 'x VULN');
  const stale = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [d] } });
  assert.deepEqual(stale, []);
  await s.stop();
});

test('a client that drops diagnostic.data still gets the fix, recovered from the last report', async () => {
  const s = await startSession({ workerFilename });
  await s.open(URI, 'VULN');
  const [d] = await s.diagnostics(URI, 1);
  const { data: _dropped, ...bare } = d;
  const actions = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: bare.range, context: { diagnostics: [bare] } });
  assert.ok(actions.some((a) => a.isPreferred && a.title === 'Replace VULN'));
  await s.stop();
});

test('a crashing worker gives an information diagnostic for that document and the server goes on', async () => {
  const s = await startSession({ workerFilename });
  await s.open('file:///work/a.js', 'EXIT');
  const [crash] = await s.diagnostics('file:///work/a.js', 1);
  assert.equal(crash.severity, 3);
  assert.match(crash.message, /^orbit-ls could not finish analysing this file: /);
  await s.open('file:///work/b.js', 'THROW');
  assert.match((await s.diagnostics('file:///work/b.js', 1))[0].message, /could not finish analysing this file: .*fake worker failure/);
  await s.open('file:///work/c.js', 'VULN');
  assert.equal((await s.diagnostics('file:///work/c.js', 1))[0].code, 'fake-rule');
  assert.ok(s.logs.some((l) => /worker task analyzeStatic failed/.test(l.message)), 'the failure is logged');
  await s.stop();
});

test('an analysis that runs past orbit.analysisTimeoutMs is stopped and reported, and the next one works', async () => {
  const s = await startSession({ workerFilename, initializationOptions: { analysisTimeoutMs: 300 } });
  await s.open('file:///work/hang.js', 'HANG');
  const [timeout] = await s.diagnostics('file:///work/hang.js', 1);
  assert.match(timeout.message, /could not finish analysing this file: analysis took longer than 300 ms \(orbit\.analysisTimeoutMs\)/);
  await s.open('file:///work/ok.js', 'VULN');
  assert.equal((await s.diagnostics('file:///work/ok.js', 1)).length, 1);
  assert.ok(s.logs.some((l) => l.message.includes('file:///work/hang.js') && /took longer than 300 ms/.test(l.message)), 'the time-out is logged with the file');
  await s.stop();
});

test('a document closed mid-analysis gets no diagnostics after its clearing publish', async () => {
  const s = await startSession({ workerFilename });
  await s.open(URI, 'SLOW VULN');
  await new Promise((resolve) => setTimeout(resolve, 50));
  await s.closeDocument(URI);
  await s.open('file:///work/after.js', 'VULN');
  await s.diagnostics('file:///work/after.js', 1);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.deepEqual(s.publishedFor(URI).map((p) => p.diagnostics.length), [0]);
  await s.stop();
});

test('a client without code action literals gets Commands that apply the fix through workspace/applyEdit', async () => {
  const s = await startSession({ workerFilename, capabilities: { workspace: { applyEdit: true } } });
  const applied = [];
  s.client.onRequest('workspace/applyEdit', (p) => {
    applied.push(p);
    return { applied: true };
  });
  await s.open(URI, 'VULN');
  const [d] = await s.diagnostics(URI, 1);
  const [command] = await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [d] } });
  assert.equal(command.command, 'orbit-ls.applyEdit');
  const result = await s.client.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments });
  assert.deepEqual(result, { applied: true });
  assert.equal(applyEdits('VULN', editsFor(applied[0].edit, URI)), 'SAFE');
  await s.stop();
});
