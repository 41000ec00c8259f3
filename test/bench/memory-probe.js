// Benchmark support (not a benchmark), preloaded into the server by memory.bench.js with
// `node --expose-gc -r`: on SIGUSR2 the server's main thread collects garbage and writes its heap
// figures to stderr (never stdout, which is the protocol), so the bench samples memory after a GC.
'use strict';
process.on('SIGUSR2', () => {
  /** @type {any} */ (globalThis).gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`\nORBIT_MEMORY ${JSON.stringify({ heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}\n`);
});
