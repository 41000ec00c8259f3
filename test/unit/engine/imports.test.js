// The imports the editor's static pass reads: an open document's buffer wins over the file on
// disk, and a file on disk is read again only when its modification time or size changed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { createImportSource, diskFiles } = require('../../../server/dist/engine/imports.js');

function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-imports-'));
  fs.writeFileSync(path.join(dir, 'db.js'), 'module.exports = { saved: true };\n');
  fs.writeFileSync(path.join(dir, 'util.ts'), 'export const u = 1;\n');
  /** @type {import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */
  const routes = { uri: pathToFileURL(path.join(dir, 'routes.js')).href, version: 1, text: "const db = require('./db');\nimport { u } from './util.js';\n", language: 'js' };
  return { dir, routes };
}

/** Real files, with every read counted. */
function countingFiles() {
  const reads = [];
  return {
    reads,
    files: {
      async stat(file) {
        try {
          const st = await fs.promises.stat(file);
          return st.isFile() ? { mtimeMs: st.mtimeMs, size: st.size } : undefined;
        } catch {
          return undefined;
        }
      },
      async readFile(file) {
        reads.push(path.basename(file));
        return fs.promises.readFile(file, 'utf8');
      },
    },
  };
}

test('unchanged files are read once; a changed file is read again', async () => {
  const { dir, routes } = workspace();
  const { reads, files } = countingFiles();
  const source = createImportSource({ openText: () => undefined, files });
  try {
    const first = await source.importsOf(routes, 1_000_000);
    assert.equal(first['./db'].text, 'module.exports = { saved: true };\n');
    // A `.js` specifier may name a `.ts` source, as in the worker.
    assert.equal(first['./util.js'].fileName, path.join(dir, 'util.ts'));
    assert.deepEqual(reads.sort(), ['db.js', 'util.ts']);
    await source.importsOf(routes, 1_000_000);
    assert.equal(reads.length, 2, 'nothing was read again');
    fs.writeFileSync(path.join(dir, 'db.js'), 'module.exports = { saved: "again" };\n');
    const third = await source.importsOf(routes, 1_000_000);
    assert.equal(third['./db'].text, 'module.exports = { saved: "again" };\n');
    assert.deepEqual(reads.slice(2), ['db.js']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an open document's unsaved text is used instead of the file on disk, and no file is read for it", async () => {
  const { dir, routes } = workspace();
  const { reads, files } = countingFiles();
  const dbUri = pathToFileURL(path.join(dir, 'db.js')).href;
  const source = createImportSource({ openText: (uri) => (uri === dbUri ? 'module.exports = { unsaved: true };\n' : undefined), files });
  try {
    const imports = await source.importsOf(routes, 1_000_000);
    assert.equal(imports['./db'].text, 'module.exports = { unsaved: true };\n');
    assert.deepEqual(reads, ['util.ts']);
    // A document that is not a file has no relative imports to read.
    assert.equal(await source.importsOf({ ...routes, uri: 'untitled:Untitled-1' }, 1_000_000), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('imports are looked at together, yet kept in the order the document names them and up to the limit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-imports-'));
  // 45 specifiers, of which only the even-numbered modules exist: 23 resolve and the first 20 are kept.
  const names = Array.from({ length: 45 }, (_, i) => `m${i}`);
  names.forEach((n, i) => i % 2 === 0 && fs.writeFileSync(path.join(dir, `${n}.js`), `module.exports = ${i};\n`));
  const text = names.map((n) => `const ${n} = require('./${n}');`).join('\n');
  const statted = [];
  // Stats answer in reverse order of asking, as a busy thread pool may.
  let delay = 40;
  const files = {
    async stat(file) {
      statted.push(file);
      await new Promise((resolve) => setTimeout(resolve, (delay = Math.max(0, delay - 1))));
      return diskFiles.stat(file);
    },
    readFile: diskFiles.readFile,
  };
  try {
    const source = createImportSource({ openText: () => undefined, files });
    const imports = await source.importsOf({ uri: pathToFileURL(path.join(dir, 'routes.js')).href, version: 1, text, language: 'js' }, 1_000_000);
    const kept = names.filter((_, i) => i % 2 === 0).slice(0, 20).map((n) => `./${n}`);
    assert.deepEqual(Object.keys(imports), kept);
    assert.equal(imports['./m38'].text, 'module.exports = 38;\n');
    // Each candidate file was asked about once.
    assert.equal(new Set(statted).size, statted.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
