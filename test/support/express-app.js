// The canonical vulnerable Express handler the protocol and unit tests share, and its
// parameterised fix: one SQL injection from req.query.id into db.all.
'use strict';

const VULNERABLE = [
  "const express = require('express');",
  "const sqlite3 = require('sqlite3');",
  'const app = express();',
  "const db = new sqlite3.Database(':memory:');",
  '',
  "app.get('/users', (req, res) => {",
  '  db.all("SELECT * FROM users WHERE id = " + req.query.id, (err, rows) => res.json(rows));',
  '});',
  '',
].join('\n');
const FIXED = VULNERABLE.replace('"SELECT * FROM users WHERE id = " + req.query.id,', '"SELECT * FROM users WHERE id = ?", [req.query.id],');

module.exports = { VULNERABLE, FIXED };
