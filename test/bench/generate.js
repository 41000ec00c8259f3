// Benchmark support (not a benchmark): generates realistic Express route files of a given size,
// one vulnerable handler in ten, so the rules have real work to do.
'use strict';

const HEADER = [
  "const express = require('express');",
  "const sqlite3 = require('sqlite3');",
  "const { exec, execFile } = require('child_process');",
  '',
  'const app = express();',
  "const db = new sqlite3.Database('app.db');",
  'app.use(express.json());',
  '',
];

function handler(i) {
  switch (i % 10) {
    case 3:
      return [
        `app.get('/items/${i}', (req, res) => {`,
        `  const sql = "SELECT * FROM items WHERE owner = '" + req.query.owner + "' AND id = ${i}";`,
        '  db.all(sql, (err, rows) => {',
        '    if (err) return res.status(500).send(err.message);',
        '    res.json(rows);',
        '  });',
        '});',
        '',
      ];
    case 7:
      return [
        `app.post('/jobs/${i}', (req, res) => {`,
        '  const { target } = req.body;',
        `  exec(\`tar czf /tmp/job-${i}.tgz \${target}\`, (err, out) => {`,
        '    if (err) return res.status(500).end();',
        '    res.send(out);',
        '  });',
        '});',
        '',
      ];
    default:
      return [
        `app.get('/users/${i}', async (req, res) => {`,
        `  const limit = Math.min(Number(req.query.limit) || 10, 100);`,
        `  db.all('SELECT * FROM users WHERE team = ? LIMIT ?', [req.params.team, limit], (err, rows) => {`,
        "    if (err) return res.status(500).send('failed');",
        `    res.json({ page: ${i}, rows });`,
        '  });',
        '});',
        '',
      ];
  }
}

/** An Express app of about `lines` lines. */
function expressFile(lines) {
  const out = [...HEADER];
  for (let i = 0; out.length < lines - 1; i++) out.push(...handler(i));
  out.push("app.listen(3000);");
  return `${out.join('\n')}\n`;
}

module.exports = { expressFile };
