#!/usr/bin/env node
// Run by `npm run build` after tsc: compiles the TypeScript compiler once, warms it by analysing
// the example apps (so the parser's functions are compiled too), and writes V8's code cache of it
// to server/dist/v8/, from which every worker thread then loads it (server/src/workers/code-cache.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { writeTypeScriptCache } = require('../dist/workers/code-cache.js');

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(js|ts)$/.test(e.name) ? [p] : [];
  });
}

try {
  writeTypeScriptCache(() => {
    const { analyzeStatic } = require('../dist/workers/tasks/analyze-static.js');
    const { languageFromFileName } = require('../dist/core/types.js');
    for (let round = 0; round < 3; round++) {
      for (const file of sources(EXAMPLES)) {
        analyzeStatic({ document: { fileName: file, text: fs.readFileSync(file, 'utf8'), language: languageFromFileName(file) }, options: { rules: {}, extraSources: [], maxFileSize: 2_000_000 } });
      }
    }
  });
} catch (err) {
  // Only an accelerator: without it every worker compiles TypeScript as usual.
  process.stderr.write(`code-cache: not written (${err instanceof Error ? err.message : String(err)}); workers will compile TypeScript as usual\n`);
}
