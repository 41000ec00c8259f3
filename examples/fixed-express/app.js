// The shop API of ../vulnerable-express with its injection bugs fixed: values travel as query
// parameters, and programs run through execFile with an argument array and no shell.
'use strict';
const express = require('express');
const sqlite3 = require('sqlite3');
const { Pool } = require('pg');
const { execFile } = require('child_process');

const app = express();
app.use(express.json());

const db = new sqlite3.Database(process.env.SHOP_DB || 'shop.db');
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

// Look up one product by id.
app.get('/products/:id', (req, res) => {
  db.get('SELECT id, name, price FROM products WHERE id = ?', [req.params.id], (err, row) => {
    if (err) return res.status(500).json({ error: err.message });
    if (!row) return res.status(404).json({ error: 'Product not found' });
    res.json(row);
  });
});

// Search products by name, newest first. The wildcards belong to the value, not to the SQL text.
app.get('/products', (req, res) => {
  const term = req.query.q || '';
  const sql = 'SELECT id, name, price FROM products WHERE name LIKE ? ORDER BY created_at DESC';
  db.all(sql, ['%' + term + '%'], (err, rows) => {
    if (err) return res.status(500).json({ error: err.message });
    res.json(rows);
  });
});

// Update the status of a customer's orders (Postgres).
app.post('/orders/status', async (req, res) => {
  const { customerId, status } = req.body;
  try {
    const result = await pool.query(
      'UPDATE orders SET status = $1 WHERE customer_id = $2 RETURNING id',
      [status, customerId]
    );
    res.json({ updated: result.rowCount });
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
});

// Check that a supplier's host is reachable before syncing with it. execFile passes the host as
// one argument; the pattern also stops values such as "-f" being read as ping options.
app.get('/admin/ping', (req, res) => {
  const host = String(req.query.host || '');
  if (!/^[a-zA-Z0-9.-]+$/.test(host) || host.startsWith('-')) {
    return res.status(400).json({ error: 'Invalid host name' });
  }
  execFile('ping', ['-c', '1', host], (err, stdout) => {
    if (err) return res.status(502).json({ reachable: false });
    res.json({ reachable: true, output: stdout });
  });
});

// Export the invoices of one month as a compressed archive.
app.post('/admin/export', (req, res) => {
  const month = String(req.body.month || '');
  if (!/^\d{4}-\d{2}$/.test(month)) {
    return res.status(400).json({ error: 'month must look like 2024-05' });
  }
  const archive = `invoices-${month}.tgz`;
  execFile('tar', ['czf', `/tmp/${archive}`, `/srv/invoices/${month}`], (err) => {
    if (err) return res.status(500).json({ error: 'Export failed' });
    // With root, Express refuses any name that would leave /tmp.
    res.download(archive, { root: '/tmp' });
  });
});

app.listen(process.env.PORT || 3000, () => {
  console.log('shop API listening');
});
