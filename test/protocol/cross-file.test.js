// An open route file whose SQL sink is in the module it requires: the diagnostic is at the call,
// and its related information continues into that module's file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { startSession, positionOf } = require('./lsp-harness');

const ROUTES = `const express = require('express');
const { findUser } = require('./db');

const app = express();
app.get('/users', (req, res) => {
  findUser(req.query.name, (err, rows) => res.json(rows));
});
`;

const DB = `const sqlite3 = require('sqlite3');
const db = new sqlite3.Database('app.db');

function findUser(name, cb) {
  db.all("SELECT * FROM users WHERE name = '" + name + "'", cb);
}

module.exports = { findUser };
`;

test('didOpen follows a relative require read from disk; related information points into the module', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cross-'));
  fs.writeFileSync(path.join(dir, 'db.js'), DB);
  const uri = pathToFileURL(path.join(dir, 'routes.js')).href;
  const s = await startSession();
  try {
    await s.open(uri, ROUTES);
    const sql = (await s.diagnostics(uri, 1)).find((d) => d.code === 'sql-injection');
    assert.ok(sql, 'a sql-injection diagnostic');
    assert.match(sql.message, /in findUser\(\) \(\.\/db\.js:5\)/);
    assert.equal(sql.range.start.line, positionOf(ROUTES, 'findUser(req').line);
    const dbUri = pathToFileURL(path.join(dir, 'db.js')).href;
    const inModule = sql.relatedInformation.filter((r) => r.location.uri === dbUri);
    assert.ok(inModule.length > 0, JSON.stringify(sql.relatedInformation));
    assert.equal(inModule[inModule.length - 1].location.range.start.line, 4);
    assert.equal(sql.relatedInformation[0].location.uri, uri);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an open importee's unsaved text is what the route is checked against, and related information points into that text", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cross-'));
  // On disk the module is safe; in the editor it has been edited into the vulnerable version, one line lower.
  const SAFE = DB.replace(`db.all("SELECT * FROM users WHERE name = '" + name + "'", cb);`, "db.all('SELECT * FROM users WHERE name = ?', [name], cb);");
  const EDITED = `// edited, not saved\n${DB}`;
  fs.writeFileSync(path.join(dir, 'db.js'), SAFE);
  const uri = pathToFileURL(path.join(dir, 'routes.js')).href;
  const dbUri = pathToFileURL(path.join(dir, 'db.js')).href;
  const s = await startSession();
  try {
    await s.open(dbUri, EDITED);
    await s.diagnostics(dbUri, 1);
    await s.open(uri, ROUTES);
    const sql = (await s.diagnostics(uri, 1)).find((d) => d.code === 'sql-injection');
    assert.ok(sql, 'the unsaved sink in the open module is followed');
    assert.match(sql.message, /in findUser\(\) \(\.\/db\.js:6\)/);
    const inModule = sql.relatedInformation.filter((r) => r.location.uri === dbUri);
    assert.equal(inModule[inModule.length - 1].location.range.start.line, positionOf(EDITED, 'db.all').line);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
