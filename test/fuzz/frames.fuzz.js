// Fuzz section: malformed LSP framing on stdio. Each case starts the built `orbit-ls --stdio`,
// sends a valid initialize and then a seeded malformed frame (bad or huge Content-Length, missing
// blank line, garbage, a frame cut short), with stdin left open. The server must end with exit
// code 1 and a sentence on stderr; a server still running after 15 s is a wedge, any other ending
// (a stack trace, another exit code) a crash.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'orbit-ls.js');

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const frame = (body, header = `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`) => header + body;
const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

const MALFORMED = [
  (r) => frame(init, `Content-Length: ${Math.floor(r() * 1e6)}x\r\n\r\n`),
  (r) => frame(init, `Content-Length: -${Math.floor(r() * 100)}\r\n\r\n`),
  () => frame(init, `Content-Length: ${init.length}\r\n`),
  (r) => frame('{}', `Content-Length: ${2 ** 26 + 1 + Math.floor(r() * 2 ** 40)}\r\n\r\n`),
  (r) => frame(init, `Content-Length: ${Math.max(1, Math.floor(r() * (init.length - 1)))}\r\n\r\n`),
  (r) => Buffer.from(Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256))),
  (r) => frame(init, `Content-Length: ${init.length + 1 + Math.floor(r() * 100)}\r\n\r\n`),
  () => frame(init, `Content-Type: application/json\r\n\r\n`),
  (r) => `X-${'a'.repeat(9000 + Math.floor(r() * 1000))}`,
];

function one(bytes) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('wedge');
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve(code === 1 && /broke the LSP base protocol/.test(stderr) && !/\n\s+at /.test(stderr) ? 'clean' : 'crash');
    });
    child.stdin.write(frame(init));
    child.stdin.write(bytes);
  });
}

async function run({ seed = 12, scale = 1 } = {}) {
  const random = rng(seed);
  const memoryBefore = process.memoryUsage().rss;
  const counts = { clean: 0, crash: 0, wedge: 0 };
  const cases = 4 * scale;
  for (let i = 0; i < cases; i++) {
    const make = MALFORMED[Math.floor(random() * MALFORMED.length)];
    const result = await one(make(random));
    counts[result]++;
  }
  return {
    name: 'Protocol: malformed stdio framing (spawned server)',
    figures: { sessions: cases, 'ended cleanly (exit 1, message)': counts.clean, crashes: counts.crash, wedges: counts.wedge, 'RSS before MB': Math.round(memoryBefore / 2 ** 20), 'RSS after MB': Math.round(process.memoryUsage().rss / 2 ** 20) },
  };
}

module.exports = { run };
