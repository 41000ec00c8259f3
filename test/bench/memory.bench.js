// Benchmark section: the language server's resident memory (whole process, worker threads
// included, from /proc) after 100 edits and after 10,000 edits of one open document, each edit
// waited for (didChange → publishDiagnostics, debounce 0), as long typing sessions run.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const { expressFile } = require('./generate');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function run({ quick }) {
  const lines = 300;
  const total = quick ? 1000 : 10000;
  const checkpoints = new Set([100, 1000, total]);
  const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => waiting.get(p.version)?.());
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification('initialized', {});
  const uri = `file:///bench/memory-${lines}.js`;
  let version = 1;
  const published = (v) => new Promise((resolve) => waiting.set(v, resolve));
  let done = published(version);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version, text: expressFile(lines) } });
  await done;
  const rows = [];
  const line = Math.floor(lines / 2);
  for (let i = 1; i <= total; i++) {
    version++;
    done = published(version);
    // Alternately insert and remove a line in one handler, so the document's size stays put.
    const change = i % 2 === 1
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `// edit ${i}\n` }
      : { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await done;
    if (checkpoints.has(i)) rows.push([i.toLocaleString('en'), rssMb(child.pid).toFixed(0)]);
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  await new Promise((resolve) => child.on('exit', resolve));
  const first = Number(rows[0][1]);
  for (const r of rows) r.push(`${(((Number(r[1]) - first) / first) * 100).toFixed(0)}%`);
  return {
    title: `Server memory over a long edit session (${lines}-line document, every edit analysed)`,
    columns: ['Edits', 'RSS MB', 'vs after 100'],
    rows,
  };
}

module.exports = { run };
