// Same-file classes: instances created with `new` resolve method calls to the class's methods,
// so tainted arguments are followed into services; look-alike method names stay quiet.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze } = require('./harness');

test('a tainted argument is followed into a method of a same-file class instance', () => {
  const code = `import express from 'express';
import sqlite3 from 'sqlite3';
import { promisify } from 'util';
const db = new sqlite3.Database('app.db');
const all = promisify(db.all).bind(db);
class ProductService {
  async search(term: string) { return all(\`SELECT * FROM products WHERE name LIKE '%\${term}%'\`); }
}
const products = new ProductService();
const app = express();
app.get('/products', async (req, res) => { res.json(await products.search(String(req.query.q))); });`;
  const r = analyze(code, 'products.ts');
  assert.deepEqual(r.findings.map((f) => f.ruleId).filter((id) => id.endsWith('injection')), ['sql-injection']);
});

test('search() on a service or search client is not a regular expression', () => {
  const code = `const express = require('express');
const app = express();
app.get('/s', async (req, res) => {
  const hits = await index.search(req.query.q);
  const more = await searchService.search(String(req.query.q));
  res.json({ hits, more, found: 'a,b'.match(req.query.q) });
});`;
  const r = analyze(code);
  assert.deepEqual(r.findings.map((f) => f.ruleId).filter((id) => id.endsWith('injection')), ['regex-injection']);
});
