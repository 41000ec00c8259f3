// `orbit-ls check` follows taint into a relative import: a temp directory with a route file and the
// data-access module it requires; the finding is at the call, its SARIF code flow ends in the module.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn: check } = require('../../support/run-check');

const ROUTES = `const express = require('express');
const { findUser } = require('./db');

const app = express();
app.get('/users', (req, res) => {
  findUser(req.query.name, (err, rows) => res.json(rows));
});
app.listen(3000);
`;

const DB = `const sqlite3 = require('sqlite3');
const db = new sqlite3.Database('app.db');

function findUser(name, cb) {
  db.all("SELECT * FROM users WHERE name = '" + name + "'", cb);
}

module.exports = { findUser };
`;

test('check reports a SQL sink in an imported module at the call site, with the flow into that file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cross-'));
  fs.writeFileSync(path.join(dir, 'routes.js'), ROUTES);
  fs.writeFileSync(path.join(dir, 'db.js'), DB);
  try {
    const { code, out } = await check(dir, ['--format', 'sarif', '.']);
    assert.equal(code, 1);
    const results = JSON.parse(out).runs[0].results.filter((r) => r.ruleId === 'sql-injection');
    assert.equal(results.length, 1, out);
    const [r] = results;
    assert.equal(r.message.text, 'User input from req.query.name reaches a SQL query in findUser() (./db.js:5) (CWE-89)');
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'routes.js');
    assert.equal(r.locations[0].physicalLocation.region.startLine, 6);
    const steps = r.codeFlows[0].threadFlows[0].locations.map((l) => l.location.physicalLocation);
    assert.equal(steps[0].artifactLocation.uri, 'routes.js');
    const last = steps[steps.length - 1];
    assert.equal(last.artifactLocation.uri, 'db.js');
    assert.equal(last.region.startLine, 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
