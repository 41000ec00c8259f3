// Benchmark section: the language server's memory over a long edit session. A real server over
// stdio, one open 300-line document edited 10,000 times (each edit waited for: didChange →
// publishDiagnostics, debounce 0); after 100, 1,000 and 10,000 edits the server's main thread
// collects garbage (memory-probe.js, preloaded with --expose-gc) and the bench samples the whole
// process's resident memory (worker threads included, from /proc) and the main thread's heap;
// then 2,000 other documents are opened, analysed and closed, and memory is sampled once more.
// The aim: RSS after 10,000 edits at most 20% above RSS after the first 100.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const { expressFile } = require('./generate');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');
const PROBE = path.join(__dirname, 'memory-probe.js');

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Asks the server to collect garbage; resolves with its main thread's heap figures after it. */
function collect(child) {
  return new Promise((resolve) => {
    let text = '';
    const onData = (d) => {
      text += d;
      const m = /ORBIT_MEMORY (\{.*\})\n/.exec(text);
      if (!m) return;
      child.stderr.off('data', onData);
      resolve(JSON.parse(m[1]));
    };
    child.stderr.on('data', onData);
    child.kill('SIGUSR2');
  });
}

async function run({ quick }) {
  const lines = 300;
  const total = quick ? 1000 : 10000;
  const checkpoints = new Set([100, 1000, total]);
  const child = spawn(process.execPath, ['--expose-gc', '-r', PROBE, BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const resolve = waiting.get(`${p.uri}@${p.version}`);
    waiting.delete(`${p.uri}@${p.version}`);
    resolve?.();
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification('initialized', {});
  const uri = `file:///bench/memory-${lines}.js`;
  let version = 1;
  const published = (v, u = uri) => new Promise((resolve) => waiting.set(`${u}@${v}`, resolve));
  let done = published(version);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version, text: expressFile(lines) } });
  await done;
  const samples = [];
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
    if (checkpoints.has(i)) {
      const heap = await collect(child);
      samples.push({ edits: i, rssMb: rssMb(child.pid), heapMb: heap.heapUsed / 2 ** 20 });
    }
  }
  // Then many documents opened, analysed and closed: a closed document must leave nothing behind.
  const opened = quick ? 200 : 2000;
  for (let i = 0; i < opened; i++) {
    const other = `file:///bench/closed-${i}.js`;
    done = published(1, other);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: other, languageId: 'javascript', version: 1, text: expressFile(lines).replace('/items/', `/items-${i}/`) } });
    await done;
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
  }
  const heap = await collect(child);
  samples.push({ edits: total, label: `${total.toLocaleString('en')} + ${opened.toLocaleString('en')} documents opened and closed`, rssMb: rssMb(child.pid), heapMb: heap.heapUsed / 2 ** 20 });
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  await new Promise((resolve) => child.on('exit', resolve));
  const first = samples[0];
  const last = samples.filter((x) => !x.label).pop();
  return {
    title: `Server memory over a long edit session (${lines}-line document, every edit analysed)`,
    columns: ['Edits', 'RSS MB', 'RSS vs after 100', 'Main-thread heap MB (after GC)', 'Heap vs after 100'],
    rows: samples.map((s) => [
      s.label ?? s.edits.toLocaleString('en'),
      s.rssMb.toFixed(0),
      `${(s.rssMb / first.rssMb).toFixed(2)}×`,
      s.heapMb.toFixed(1),
      `${(s.heapMb / first.heapMb).toFixed(2)}×`,
    ]),
    notes: `RSS after ${last.edits.toLocaleString('en')} edits is ${(last.rssMb / first.rssMb).toFixed(2)}× the RSS after 100 (aim: at most 1.20×). RSS covers the worker threads, whose heaps are collected only when V8 decides; the heap column is the main thread's after a forced GC.`,
  };
}

module.exports = { run };
