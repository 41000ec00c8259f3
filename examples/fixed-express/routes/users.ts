// User routes in TypeScript with mysql2, fixed: placeholders for every value, execFile for the
// image conversion, and database errors forwarded to Express instead of crashing the process.
import { Router, Request, Response, NextFunction } from 'express';
import mysql from 'mysql2/promise';
import { execFileSync } from 'child_process';
import path from 'path';

const pool = mysql.createPool({
  host: process.env.DB_HOST ?? 'localhost',
  user: 'shop',
  database: 'shop',
});

export const users = Router();

// Find users by e-mail address.
users.get('/search', async (req: Request, res: Response, next: NextFunction) => {
  try {
    const email = req.query.email as string;
    const [rows] = await pool.query('SELECT id, name, email FROM users WHERE email = ?', [email]);
    res.json(rows);
  } catch (err) {
    next(err);
  }
});

// Delete a user by id.
users.delete('/:id', async (req: Request, res: Response, next: NextFunction) => {
  try {
    const { id } = req.params;
    await pool.execute('DELETE FROM users WHERE id = ?', [id]);
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});

// Make a thumbnail of an uploaded avatar; only files inside the upload folder are accepted.
users.post('/:id/avatar', (req: Request, res: Response) => {
  const source = path.resolve('/srv/uploads', String(req.body.path));
  if (!source.startsWith('/srv/uploads/') || !/^\d+$/.test(req.params.id)) {
    res.status(400).json({ error: 'Invalid upload' });
    return;
  }
  execFileSync('convert', [source, '-resize', '128x128', `/srv/avatars/${req.params.id}.png`]);
  res.json({ ok: true });
});
