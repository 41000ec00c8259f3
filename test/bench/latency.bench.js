// Benchmark section: time from textDocument/didChange to the matching publishDiagnostics, with the
// built server spawned over stdio like an editor runs it (debounce set to 0, warm pool).
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const { expressFile } = require('./generate');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

async function measure(lines, { warmup, samples }) {
  const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  let findings = 0;
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    findings = p.diagnostics.length;
    waiting.get(p.version)?.();
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification('initialized', {});

  const uri = `file:///bench/app-${lines}.js`;
  const text = expressFile(lines);
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
  let version = 1;
  let done = published(version);
  const opened = performance.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version, text } });
  await done;
  // The first analysis is cold: worker threads load the parser and the JIT has not warmed up yet.
  const firstMs = performance.now() - opened;

  // Each edit inserts one line inside the body of the handler in the middle of the file, as typing
  // would: the line after the middle handler's first line (at 10,000 lines the middle of the file
  // falls between two handlers, where an edit would touch no function at all).
  const line = handlerBodyLine(text, lines);
  const times = [];
  for (let i = 0; i < warmup + samples; i++) {
    version++;
    done = published(version);
    const started = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `// edit ${i}\n` }],
    });
    await done;
    if (i >= warmup) times.push(performance.now() - started);
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  await new Promise((resolve) => child.on('exit', resolve));
  return { times, findings, firstMs };
}

/** The 0-based line just inside the first handler that starts at or after the middle of the file. */
function handlerBodyLine(text, lines) {
  const all = text.split('\n');
  for (let i = Math.floor(lines / 2); i < all.length; i++) if (/^app\.(get|post)\(/.test(all[i])) return i + 1;
  throw new Error('no handler after the middle of the file');
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run({ quick }) {
  const rows = [];
  for (const [lines, samples] of [[1000, quick ? 20 : 100], [10000, quick ? 10 : 40]]) {
    const { times, findings, firstMs } = await measure(lines, { warmup: 5, samples });
    const sorted = [...times].sort((a, b) => a - b);
    rows.push([`${lines.toLocaleString('en')} lines`, String(findings), firstMs.toFixed(0), String(samples), percentile(sorted, 50).toFixed(1), percentile(sorted, 95).toFixed(1), sorted[sorted.length - 1].toFixed(1)]);
  }
  return {
    title: 'Edit to diagnostics (didChange → publishDiagnostics, warm, debounceMs 0)',
    columns: ['File', 'Findings', 'First open ms', 'Edits', 'p50 ms', 'p95 ms', 'max ms'],
    rows,
  };
}

module.exports = { run, handlerBodyLine };
