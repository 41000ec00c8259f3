// Constructor functions in one file: the methods `function UserDAO(db) { this.add = … }` assigns
// to `this` are followed when called on an instance, `new UserDAO(db).add(…)` or `users.add(…)`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze, lineOf } = require('./harness');

const DAO = `const express = require('express');
const db = require('./db');
function UserDAO(db) {
  this.add = function (name, cb) { db.query("INSERT INTO users (name) VALUES ('" + name + "')", cb); };
  this.safe = function (name, cb) { db.query('INSERT INTO users (name) VALUES (?)', [name], cb); };
}
const users = new UserDAO(db);
const app = express();
`;

function sqlFindings(routes) {
  const text = DAO + routes;
  return analyze(text, 'app.js').findings.filter((f) => f.ruleId === 'sql-injection').map((f) => ({ line: lineOf(text, f.span.start), source: lineOf(text, f.flow[0].span.start) }));
}

test('a method called on a fresh instance is followed into the constructor', () => {
  assert.deepEqual(sqlFindings("app.post('/a', (req, res) => { new UserDAO(db).add(req.body.name, () => res.end()); });\n"), [{ line: 4, source: 9 }]);
});

test('a method called through a variable holding the instance is followed too', () => {
  assert.deepEqual(sqlFindings("app.post('/b', (req, res) => { users.add(req.body.name, () => res.end()); });\n"), [{ line: 4, source: 9 }]);
});

test('a method that passes the value as a parameter is not reported', () => {
  assert.deepEqual(sqlFindings("app.post('/c', (req, res) => { users.safe(req.body.name, () => res.end()); });\n"), []);
});
