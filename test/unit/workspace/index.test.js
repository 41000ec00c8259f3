// The workspace index: module summaries built over a folder, dependencies first, so a flow is
// followed through several modules; updates on save re-summarise the changed module and only
// those importers whose summaries depend on it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createWorkspaceIndex } = require('../../../server/dist/engine/workspace-index.js');
const { moduleSummary } = require('../../../server/dist/workers/tasks/module-summary.js');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');

/** A workspace on disk, and an index whose summaries run in-process, counting the modules summarised. */
function workspace(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-index-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const summarised = [];
  const index = createWorkspaceIndex({
    summarise: async (input) => {
      summarised.push(...input.modules.map((m) => path.relative(root, m.fileName)));
      return moduleSummary(input);
    },
  });
  return { root, index, summarised, file: (n) => path.join(root, n), write: (n, t) => fs.writeFileSync(path.join(root, n), t) };
}

const APP = `const express = require('express');
const service = require('./service');
const app = express();
app.get('/ping', (req, res) => { service.ping(req.query.host); res.end(); });
`;
const SERVICE = `// The service layer passes the host on to the network helpers.
const net = require('./lib/net');
exports.ping = function (host) { return net.run(host); };
`;
const NET = `const { exec } = require('child_process');
exports.run = (target) => exec('ping -c 1 ' + target);
`;

function analyzeApp(ws) {
  const text = fs.readFileSync(ws.file('app.js'), 'utf8');
  const serviceText = fs.readFileSync(ws.file('service.js'), 'utf8');
  const summary = ws.index.summaryOf(ws.file('service.js'), serviceText);
  const imports = { './service': { fileName: ws.file('service.js'), text: serviceText, ...(summary ? { summary } : {}) } };
  return analyzeDocument({ fileName: ws.file('app.js'), text, imports }, DEFAULT_STATIC_OPTIONS);
}

test('a flow through two imported modules is found at the route, with the index', async () => {
  const ws = workspace({ 'app.js': APP, 'service.js': SERVICE, 'lib/net.js': NET });
  const before = analyzeApp(ws);
  assert.deepEqual(before.findings.map((f) => f.ruleId), [], 'the imported text alone is one module deep');
  const stats = await ws.index.build([ws.root]);
  assert.equal(stats.files, 3);
  // app.js imports nothing that imports it: only the two imported modules are summarised, dependency first.
  assert.deepEqual(ws.summarised, ['lib/net.js', 'service.js']);
  const [f] = analyzeApp(ws).findings;
  assert.equal(f.ruleId, 'command-injection');
  assert.match(f.message, /in ping\(\) \(\.\/lib\/net\.js:2\)/);
});

test('a save that changes what an export does re-summarises its importers; one that does not, nobody else', async () => {
  const ws = workspace({ 'app.js': APP, 'service.js': SERVICE, 'lib/net.js': NET });
  await ws.index.build([ws.root]);
  ws.summarised.length = 0;
  ws.write('lib/net.js', NET.replace("exec('ping -c 1 ' + target)", "exec('ping -c 1 ' + target, { shell: false })"));
  assert.deepEqual(await ws.index.update(ws.file('lib/net.js')), [], 'the sink is unchanged');
  assert.deepEqual(ws.summarised, ['lib/net.js']);
  ws.summarised.length = 0;
  ws.write('lib/net.js', "const { execFile } = require('child_process');\nexports.run = (target) => execFile('ping', ['-c', '1', target]);\n");
  assert.deepEqual((await ws.index.update(ws.file('lib/net.js'))).sort(), [ws.file('lib/net.js'), ws.file('service.js')].sort());
  assert.deepEqual(ws.summarised, ['lib/net.js', 'service.js']);
  assert.deepEqual(analyzeApp(ws).findings, []);
});

test('a summary is used only for the text it was computed from', async () => {
  const ws = workspace({ 'app.js': APP, 'service.js': SERVICE, 'lib/net.js': NET });
  await ws.index.build([ws.root]);
  assert.ok(ws.index.summaryOf(ws.file('service.js'), SERVICE));
  assert.equal(ws.index.summaryOf(ws.file('service.js'), SERVICE + '\n// edited'), undefined);
  assert.deepEqual(ws.index.importersOf(ws.file('lib/net.js')), [ws.file('service.js')]);
  // Only files whose imports have something summarised need checking again once the index is built.
  assert.equal(ws.index.importsSummarised(ws.file('app.js')), true);
  assert.equal(ws.index.importsSummarised(ws.file('lib/net.js')), false);
});

test('a module created after the build is linked to the imports that named it', async () => {
  const ws = workspace({ 'app.js': APP, 'service.js': SERVICE });
  await ws.index.build([ws.root]);
  assert.deepEqual(ws.index.importersOf(ws.file('lib/net.js')), []);
  fs.mkdirSync(path.join(ws.root, 'lib'));
  ws.write('lib/net.js', NET);
  const changed = await ws.index.update(ws.file('lib/net.js'));
  assert.ok(changed.includes(ws.file('service.js')), changed.join(', '));
  assert.equal(analyzeApp(ws).findings[0]?.ruleId, 'command-injection');
});

test('dependencies, vendored, minified and generated files are not indexed', async () => {
  const long = `module.exports = function f(a) { return a; };${' '.repeat(3000)}\n`;
  const ws = workspace({
    'app.js': "const a = require('./vendor/lib'); const b = require('./lib.min'); const c = require('./gen');",
    'node_modules/x/index.js': 'module.exports = 1;',
    'vendor/lib.js': 'module.exports = 1;',
    'lib.min.js': 'module.exports = 1;',
    'gen.js': long,
  });
  const stats = await ws.index.build([ws.root]);
  assert.equal(stats.files, 1);
  assert.deepEqual(ws.summarised, []);
});

test('the walk stops at the file limit and says so', async () => {
  const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${String(i).padStart(2, '0')}.js`, `exports.f${i} = (x) => x;`]));
  const ws = workspace(files);
  const index = createWorkspaceIndex({ summarise: async (input) => moduleSummary(input), maxFiles: 10 });
  const stats = await index.build([ws.root]);
  assert.equal(stats.files, 10);
  assert.equal(stats.truncated, true);
});

test('import cycles end: each module of a cycle is summarised once', async () => {
  const ws = workspace({
    'a.js': "const b = require('./b'); exports.fa = (x) => b.fb(x);",
    'b.js': "const a = require('./a'); const cp = require('child_process'); exports.fb = (x) => cp.exec('ls ' + x); exports.g = (y) => a.fa(y);",
  });
  await ws.index.build([ws.root]);
  assert.deepEqual(ws.summarised.sort(), ['a.js', 'b.js']);
});
