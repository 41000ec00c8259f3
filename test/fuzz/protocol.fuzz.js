// Fuzz section: documents and edit bursts through the real server over JSON-RPC framing. Random
// (seeded) JavaScript-ish documents, random incremental edits with ranges anywhere (some out of
// the document), versions that sometimes go back, forged code action requests; afterwards every
// document's last publish must be for its current version (no stale publish), the server must
// still answer (no wedge) and a known vulnerability must still be found (no crash).
'use strict';
const { startSession, VULNERABLE } = require('../protocol/lsp-harness');

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PIECES = ['app.get("/x", (req, res) => res.send(req.query.a));\n', 'function f(a) { return eval(a); }\n', '{{{', ')))', '`${', '/*', '"', "'\\", 'const x = /(a+)+$/;\n', 'require("child_process").exec(req.body.c);\n', '\u0000\uffff\ud800', 'class A { get x() { return this.x; } }\n', '\n'.repeat(50)];

function document(random, size) {
  let text = '';
  while (text.length < size) text += random() < 0.2 ? String.fromCharCode(Math.floor(random() * 0x3000)) : PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

async function run({ seed = 12, scale = 1 } = {}) {
  const random = rng(seed);
  const memoryBefore = process.memoryUsage().rss;
  const s = await startSession({ initializationOptions: { debounceMs: 20, pool: { size: 1 }, sandbox: { enabled: false } } });
  const docs = new Map();
  let frames = 0;
  const count = 50 * scale;
  for (let i = 0; i < count; i++) {
    const uri = `file:///fuzz/doc-${i % (5 * scale)}.js`;
    const current = docs.get(uri);
    if (!current) {
      docs.set(uri, { version: 1 });
      await s.open(uri, document(random, Math.floor(random() * 4000)));
      frames++;
      continue;
    }
    // An edit burst: several changes, one in five going back in versions.
    for (let j = 0; j < 1 + Math.floor(random() * 8); j++) {
      const back = random() < 0.2;
      const version = back ? Math.max(0, current.version - 1 - Math.floor(random() * 3)) : ++current.version;
      const line = Math.floor(random() * 200);
      const range = { start: { line, character: Math.floor(random() * 80) }, end: { line: line + Math.floor(random() * 3), character: Math.floor(random() * 80) } };
      await s.change(uri, version, [random() < 0.1 ? { text: document(random, 500) } : { range, text: document(random, Math.floor(random() * 60)) }]);
      frames++;
    }
    if (random() < 0.3) {
      const d = { source: 'orbit-ls', code: 'sql-injection', message: 'x', range: { start: { line: 0, character: 0 }, end: { line: 9e6, character: 0 } }, data: { version: current.version, ruleId: 'sql-injection', fixes: [{ title: 'x', edits: [] }] } };
      await s.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      frames++;
    }
  }
  // Settle: every open document's last publish must be for its current version.
  let wedges = 0;
  let stale = 0;
  for (const [uri, { version }] of docs) {
    try {
      await s.waitFor(() => (s.publishedFor(uri).some((p) => p.version === version) ? true : undefined), `${uri} v${version}`, 60_000);
    } catch {
      wedges++;
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (s.publishedFor(uri).at(-1).version !== version) stale++;
  }
  let crashes = 0;
  try {
    await s.open('file:///fuzz/after.js', VULNERABLE);
    const after = await s.diagnostics('file:///fuzz/after.js', 1, 60_000);
    if (!after.some((d) => d.code === 'sql-injection')) crashes++;
  } catch {
    crashes++;
  }
  await s.stop();
  return {
    name: 'Protocol: documents and edit bursts (in-process server, real worker)',
    figures: { documents: docs.size, frames, crashes, wedges, 'stale publishes': stale, 'RSS before MB': Math.round(memoryBefore / 2 ** 20), 'RSS after MB': Math.round(process.memoryUsage().rss / 2 ** 20) },
  };
}

module.exports = { run };
