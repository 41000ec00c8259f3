// Benchmark section: how responsive the server stays under load it did not ask for — code actions
// (cursor moves) on a 5 MB document, and another document's diagnostics while a sandbox pass runs
// with one worker per lane. In-process server over real JSON-RPC framing, real worker threads.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startSession, VULNERABLE } = require('../protocol/lsp-harness');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const row = (label, times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return [label, String(times.length), percentile(sorted, 50).toFixed(1), percentile(sorted, 95).toFixed(1), sorted.at(-1).toFixed(1)];
};

async function codeActions(samples, initializationOptions) {
  const s = await startSession({ initializationOptions: { debounceMs: 0, ...initializationOptions } });
  const uri = 'file:///bench/big.js';
  const text = `${VULNERABLE}\n${'app.get("/x", (req, res) => { res.send(String(req.query.a).length); });\n'.repeat(Math.ceil(5_000_000 / 72))}`;
  await s.open(uri, text);
  await s.diagnostics(uri, 1, 600_000);
  const times = [];
  for (let i = 0; i < samples; i++) {
    const line = 20 + ((i * 7919) % 60_000);
    const started = performance.now();
    await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 5 }, end: { line, character: 40 } }, context: { diagnostics: [] } });
    times.push(performance.now() - started);
  }
  await s.stop();
  return times;
}

async function typingDuringSandbox(samples) {
  const backdoors = path.join(__dirname, '..', 'fixtures', 'backdoors', 'backdoored');
  const heavy = fs.readdirSync(backdoors).map((f) => fs.readFileSync(path.join(backdoors, f), 'utf8').replace(/^import .*$/gm, '')).join('\n').repeat(3);
  const s = await startSession({ initializationOptions: { debounceMs: 0, pool: { size: 1 }, sandbox: { budgetMs: 600_000 } } });
  const A = 'file:///bench/saved.ts';
  const B = 'file:///bench/typing.js';
  await s.open(A, heavy, { languageId: 'typescript' });
  await s.diagnostics(A, 1, 120_000);
  await s.open(B, VULNERABLE);
  await s.diagnostics(B, 1, 120_000);
  const times = [];
  let text = VULNERABLE;
  for (let i = 0; i < samples; i++) {
    // A save starts A's sandbox pass; B is edited while it runs.
    if (i % 5 === 0) await s.client.sendNotification('textDocument/didSave', { textDocument: { uri: A } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const version = i + 2;
    const next = `${text}\n// edit ${i}`;
    const started = performance.now();
    await s.replace(B, version, text, next);
    await s.diagnostics(B, version, 120_000);
    times.push(performance.now() - started);
    text = next;
  }
  const passes = s.logs.filter((l) => l.message.includes(`sandbox pass of ${A}`)).length;
  await s.stop();
  return { times, passes };
}

async function run({ quick }) {
  const n = quick ? 20 : 100;
  const over = await codeActions(n, {});
  const raised = await codeActions(n, { maxFileSize: 6_000_000, analysisTimeoutMs: 600_000 });
  const typing = await typingDuringSandbox(quick ? 10 : 40);
  return {
    title: 'Responsiveness: code actions on a 5 MB file, typing during a sandbox pass',
    columns: ['Measure', 'Samples', 'p50 ms', 'p95 ms', 'max ms'],
    rows: [
      row('codeAction, 5 MB file above orbit.maxFileSize (default)', over),
      row('codeAction, 5 MB file, orbit.maxFileSize raised to 6 MB', raised),
      row(`didChange → diagnostics of B while A's sandbox pass runs (pool size 1; ${typing.passes} pass(es) completed)`, typing.times),
    ],
  };
}

module.exports = { run };
