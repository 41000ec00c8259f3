// The built `orbit-ls --stdio` as an editor starts it: a full session, shutdown and exit, and a
// guard that every byte on stdout is valid LSP framing (logs must never leak onto the protocol).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { VULNERABLE } = require('./lsp-harness');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

function frame(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Splits stdout into LSP messages; throws on any byte that is not part of a well-formed frame. */
function parseFrames(bytes) {
  const messages = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at, 'ascii');
    if (headerEnd < 0) throw new Error(`stray bytes on stdout: ${JSON.stringify(bytes.subarray(at, at + 80).toString())}`);
    const headers = bytes.subarray(at, headerEnd).toString('ascii').split('\r\n');
    const lengthHeader = headers.find((h) => /^Content-Length: \d+$/i.test(h));
    if (!lengthHeader || headers.some((h) => !/^(Content-Length|Content-Type): /i.test(h))) throw new Error(`bad header block on stdout: ${JSON.stringify(headers)}`);
    const length = Number(lengthHeader.split(': ')[1]);
    const body = bytes.subarray(headerEnd + 4, headerEnd + 4 + length);
    if (body.length !== length) throw new Error('truncated message on stdout');
    const message = JSON.parse(body.toString('utf8'));
    assert.equal(message.jsonrpc, '2.0');
    messages.push(message);
    at = headerEnd + 4 + length;
  }
  return messages;
}

function startServer() {
  const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', () => undefined);
  const stdout = () => Buffer.concat(chunks);
  const send = (message) => child.stdin.write(frame(message));
  const waitFor = (predicate, what, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        let found;
        try {
          found = parseCompleteFrames(stdout()).find(predicate);
        } catch (err) {
          return reject(err);
        }
        if (found) return resolve(found);
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
        setTimeout(poll, 20);
      };
      poll();
    });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, send, waitFor, stdout, exited };
}

/** Like parseFrames, but tolerates a message still arriving at the end. */
function parseCompleteFrames(bytes) {
  let end = 0;
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at, 'ascii');
    if (headerEnd < 0) break;
    const m = /Content-Length: (\d+)/i.exec(bytes.subarray(at, headerEnd).toString('ascii'));
    if (!m) throw new Error(`stray bytes on stdout: ${JSON.stringify(bytes.subarray(at, at + 80).toString())}`);
    const next = headerEnd + 4 + Number(m[1]);
    if (next > bytes.length) break;
    at = end = next;
  }
  return parseFrames(bytes.subarray(0, end));
}

test('orbit-ls --stdio: initialize, diagnostics, shutdown and exit with code 0, and nothing but LSP frames on stdout', async () => {
  const server = startServer();
  server.send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } } });
  const init = await server.waitFor((m) => m.id === 1, 'the initialize result');
  assert.equal(init.result.serverInfo.name, 'orbit-ls');
  server.send({ method: 'initialized', params: {} });
  server.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/app.js', languageId: 'javascript', version: 1, text: VULNERABLE } } });
  // The server asks for configuration; answer null like eglot does.
  const configRequest = await server.waitFor((m) => m.method === 'workspace/configuration', 'a configuration request');
  server.send({ id: configRequest.id, result: configRequest.params.items.map(() => null) });
  for (;;) {
    const more = parseCompleteFrames(server.stdout()).filter((m) => m.method === 'workspace/configuration' && m.id !== configRequest.id);
    for (const r of more) server.send({ id: r.id, result: r.params.items.map(() => null) });
    const published = parseCompleteFrames(server.stdout()).find((m) => m.method === 'textDocument/publishDiagnostics');
    if (published) {
      assert.equal(published.params.version, 1);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  server.send({ id: 2, method: 'shutdown' });
  await server.waitFor((m) => m.id === 2, 'the shutdown result');
  server.send({ method: 'exit' });
  assert.equal(await server.exited, 0);
  const messages = parseFrames(server.stdout());
  assert.ok(messages.length >= 3);
});

test('exit without shutdown ends the server with code 1, as the protocol says', async () => {
  const server = startServer();
  server.send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  await server.waitFor((m) => m.id === 1, 'the initialize result');
  server.send({ method: 'exit' });
  assert.equal(await server.exited, 1);
  parseFrames(server.stdout());
});

test('orbit-ls --node-ipc speaks LSP over the Node IPC channel', async () => {
  const { fork } = require('node:child_process');
  const rpc = require('vscode-jsonrpc/node');
  const child = fork(BIN, ['--node-ipc'], { stdio: ['ignore', 'pipe', 'ignore', 'ipc'] });
  const stdout = [];
  child.stdout.on('data', (c) => stdout.push(c));
  const conn = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  conn.listen();
  const init = await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.equal(init.serverInfo.name, 'orbit-ls');
  await conn.sendRequest('shutdown');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await conn.sendNotification('exit');
  assert.equal(await exited, 0);
  conn.dispose();
  assert.equal(Buffer.concat(stdout).length, 0, 'nothing on stdout in IPC mode either');
});
