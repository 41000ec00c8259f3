// A small shop API written the quick way, as it often arrives from a code generator: every route
// builds SQL or shell commands out of request data. orbit-ls reports each one; see ../fixed-express.
'use strict';
const express = require('express');
const sqlite3 = require('sqlite3');
const { Pool } = require('pg');
const { exec } = require('child_process');

const app = express();
app.use(express.json());

const db = new sqlite3.Database(process.env.SHOP_DB || 'shop.db');
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

// Look up one product by id.
app.get('/products/:id', (req, res) => {
  db.get('SELECT id, name, price FROM products WHERE id = ' + req.params.id, (err, row) => {
    if (err) return res.status(500).json({ error: err.message });
    if (!row) return res.status(404).json({ error: 'Product not found' });
    res.json(row);
  });
});

// Search products by name, newest first.
app.get('/products', (req, res) => {
  const term = req.query.q || '';
  const sql = "SELECT id, name, price FROM products WHERE name LIKE '%" + term + "%' ORDER BY created_at DESC";
  db.all(sql, (err, rows) => {
    if (err) return res.status(500).json({ error: err.message });
    res.json(rows);
  });
});

// Update the status of a customer's orders (Postgres).
app.post('/orders/status', async (req, res) => {
  const { customerId, status } = req.body;
  try {
    const result = await pool.query(
      `UPDATE orders SET status = '${status}' WHERE customer_id = ${customerId} RETURNING id`
    );
    res.json({ updated: result.rowCount });
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
});

// Check that a supplier's host is reachable before syncing with it.
app.get('/admin/ping', (req, res) => {
  exec(`ping -c 1 ${req.query.host}`, (err, stdout) => {
    if (err) return res.status(502).json({ reachable: false });
    res.json({ reachable: true, output: stdout });
  });
});

// Export the invoices of one month as a compressed archive.
app.post('/admin/export', (req, res) => {
  const month = req.body.month;
  exec('tar czf /tmp/invoices-' + month + '.tgz /srv/invoices/' + month, (err) => {
    if (err) return res.status(500).json({ error: 'Export failed' });
    res.download(`/tmp/invoices-${month}.tgz`);
  });
});

app.listen(process.env.PORT || 3000, () => {
  console.log('shop API listening');
});
