// User routes in TypeScript with mysql2: the same injection bugs as app.js, through casts,
// destructuring and template literals.
import { Router, Request, Response } from 'express';
import mysql from 'mysql2/promise';
import { execSync } from 'child_process';

const pool = mysql.createPool({
  host: process.env.DB_HOST ?? 'localhost',
  user: 'shop',
  database: 'shop',
});

export const users = Router();

// Find users by e-mail address.
users.get('/search', async (req: Request, res: Response) => {
  const email = req.query.email as string;
  const [rows] = await pool.query(`SELECT id, name, email FROM users WHERE email = '${email}'`);
  res.json(rows);
});

// Delete a user by id.
users.delete('/:id', async (req: Request, res: Response) => {
  const { id } = req.params;
  await pool.execute('DELETE FROM users WHERE id = ' + id);
  res.status(204).end();
});

// Make a thumbnail of an uploaded avatar.
users.post('/:id/avatar', (req: Request, res: Response) => {
  const source: string = req.body.path;
  execSync(`convert ${source} -resize 128x128 /srv/avatars/${req.params.id}.png`);
  res.json({ ok: true });
});
