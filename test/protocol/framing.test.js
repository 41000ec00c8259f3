// A client that breaks the LSP base protocol over stdio: the built `orbit-ls --stdio` must end the
// session with a sentence on stderr and a non-zero exit code, never sit silent or buffer without
// bound. stdin stays open in every case, as an editor's pipe would.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

/** Writes `bytes` and waits (bounded) for the server to exit; stdin is left open. */
async function feed(bytes, { limitMs = 30_000 } = {}) {
  const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', () => undefined);
  child.stdin.on('error', () => undefined);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  for (const chunk of [].concat(bytes)) child.stdin.write(chunk);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('still running'), limitMs).unref());
  const code = await Promise.race([exited, timeout]);
  if (code === 'still running') child.kill('SIGKILL');
  child.stdin.destroy();
  return { code, stderr };
}

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

test('a Content-Length that is not a number ends the session with a message and exit code 1', async () => {
  const { code, stderr } = await feed(`Content-Length: twelve\r\n\r\n${initialize}`);
  assert.equal(code, 1);
  assert.match(stderr, /broke the LSP base protocol: Content-Length is not a number: "twelve"/);
});

test('a body sent without the blank line after the headers ends the session', async () => {
  const { code, stderr } = await feed(`Content-Length: ${initialize.length}\r\n${initialize}`);
  assert.equal(code, 1);
  assert.match(stderr, /a header line that is not "Name: value"/);
});

test('a Content-Length shorter than the body ends the session instead of misreading the rest', async () => {
  const { code, stderr } = await feed(`Content-Length: 10\r\n\r\n${initialize}`);
  assert.equal(code, 1);
  assert.match(stderr, /broke the LSP base protocol/);
});

test('an announced length above 64 MiB is refused before its bytes are read', async () => {
  const huge = 4 * 1024 * 1024 * 1024;
  const { code, stderr } = await feed([`Content-Length: ${huge}\r\n\r\n`, Buffer.alloc(1024 * 1024, 0x61)]);
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`announced message of ${huge} bytes, more than the limit of 67108864 bytes`));
});

test('a frame that stops arriving half-way ends the session after the stall limit', async () => {
  const { code, stderr } = await feed(`Content-Length: ${initialize.length + 50}\r\n\r\n${initialize}`);
  assert.equal(code, 1);
  assert.match(stderr, /stopped in the middle of a message .*50 announced byte\(s\) never arrived/);
});

test('a header block that never ends is refused once it passes 8 KiB', async () => {
  const { code, stderr } = await feed(`X-Padding: ${'a'.repeat(20_000)}`);
  assert.equal(code, 1);
  assert.match(stderr, /header block of more than 8192 bytes/);
});
