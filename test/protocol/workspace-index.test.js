// The editor session's workspace index: built over the workspace folder at start, so an open route
// file is checked against what its imports' own imports do; a change reported by the client
// re-checks the open files that import the changed module.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { startSession } = require('./lsp-harness');

const ROUTES = `const express = require('express');
const service = require('./service');
const app = express();
app.get('/ping', (req, res) => { service.ping(req.query.host); res.end(); });
`;
const SERVICE = "const net = require('./lib/net');\nexports.ping = function (host) { return net.run(host); };\n";
const NET = "const { exec } = require('child_process');\nexports.run = (target) => exec('ping -c 1 ' + target);\n";
const SAFE_NET = "const { execFile } = require('child_process');\nexports.run = (target) => execFile('ping', ['-c', '1', target]);\n";

test('a flow two modules down is reported at the route once the index is built, and goes when the module is fixed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-index-lsp-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'routes.js'), ROUTES);
  fs.writeFileSync(path.join(dir, 'service.js'), SERVICE);
  fs.writeFileSync(path.join(dir, 'lib', 'net.js'), NET);
  const uri = pathToFileURL(path.join(dir, 'routes.js')).href;
  const s = await startSession({ rootUri: pathToFileURL(dir).href });
  const latest = () => [...s.published].reverse().find((p) => p.uri === uri);
  try {
    await s.open(uri, ROUTES);
    const found = await s.waitFor(() => latest()?.diagnostics.find((d) => d.code === 'command-injection'), 'the command injection through service.js and lib/net.js', 60_000);
    assert.match(found.message, /in ping\(\) \(\.\/lib\/net\.js:2\)/);
    fs.writeFileSync(path.join(dir, 'lib', 'net.js'), SAFE_NET);
    await s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'lib', 'net.js')).href, type: 2 }] });
    await s.waitFor(() => (latest() && !latest().diagnostics.some((d) => d.code === 'command-injection') ? true : undefined), 'the finding to go', 60_000);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
