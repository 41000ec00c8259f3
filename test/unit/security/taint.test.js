// The taint engine's propagation, sanitisers and sources, one behaviour per case: each snippet
// either reaches a sink (and the rule fires) or must stay quiet.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze, applyEdits } = require('./harness');

const SQL = `const sqlite3 = require('sqlite3'); const db = new sqlite3.Database('x');\n`;
const EXEC = `const { exec } = require('child_process');\n`;

/** [name, code, rule id, expected count, file name?, options?] */
/** @type {Array<[name: string, code: string, ruleId: string, count: number, file?: string, options?: object]>} */
const CASES = [
  ['destructuring default', `${SQL}app.get('/', (req, res) => { const { id = 1 } = req.query; db.all('SELECT * FROM t WHERE id = ' + id); });`, 'sql-injection', 1],
  ['destructuring rest', `${SQL}app.post('/', (req, res) => { const { a, ...rest } = req.body; db.all('SELECT * FROM t WHERE b = ' + rest.b); });`, 'sql-injection', 1],
  ['nested destructuring', `${SQL}app.post('/', ({ body: { user } }, res) => { db.all(\`SELECT * FROM t WHERE u = '\${user.name}'\`); });`, 'sql-injection', 1],
  ['array destructuring', `${SQL}app.post('/', (req, res) => { const [first] = req.body.ids; db.all('SELECT * FROM t WHERE id = ' + first); });`, 'sql-injection', 1],
  ['spread into array', `${EXEC}app.post('/', (req, res) => { const parts = ['ls', ...req.body.args]; exec(parts.join(' ')); });`, 'command-injection', 1],
  ['object literal property', `${EXEC}app.post('/', (req, res) => { const o = { cmd: req.body.c }; exec(o.cmd); });`, 'command-injection', 1],
  ['string methods keep taint', `${EXEC}app.get('/', (req, res) => { exec('ls ' + req.query.d.trim().toLowerCase().slice(0, 20)); });`, 'command-injection', 1],
  ['JSON.parse keeps taint', `${EXEC}app.post('/', (req, res) => { const o = JSON.parse(req.body.raw); exec('echo ' + o.msg); });`, 'command-injection', 1],
  ['await and then', `${EXEC}app.post('/', async (request, reply) => { const data = await request.json(); Promise.resolve(data.cmd).then((c) => exec(c)); });`, 'command-injection', 1],
  ['array callbacks', `${EXEC}app.post('/', (req, res) => { req.body.files.forEach((f) => exec('rm ' + f)); });`, 'command-injection', 1],
  ['same-file function summary', `${EXEC}function build(x) { return 'ping ' + x; }\napp.get('/', (req, res) => { exec(build(req.query.h)); });`, 'command-injection', 1],
  ['summary of a sanitising function', `${EXEC}function clean(x) { return String(x).replace(/[^a-z0-9.]/g, ''); }\napp.get('/', (req, res) => { exec('ping ' + clean(req.query.h)); });`, 'command-injection', 0],
  ['recursion is bounded', `${EXEC}function f(x, n) { return n > 0 ? f(x + 'a', n - 1) : x; }\napp.get('/', (req, res) => { exec(f(req.query.h, 3)); });`, 'command-injection', 1],
  ['handler passed by name', `${EXEC}function ping(req, res) { exec('ping ' + req.query.h); }\napp.get('/ping', ping);`, 'command-injection', 1],
  ['handler with unusual parameter names', `${EXEC}router.post('/x', (incoming, out) => { exec('ls ' + incoming.body.dir); });`, 'command-injection', 1],
  ['express error middleware', `${EXEC}app.use((err, rq, rs, next) => { exec('ls ' + rq.query.d); });`, 'command-injection', 1],
  ['fastify route options', `${EXEC}fastify.route({ method: 'GET', url: '/', handler: async (rq, reply) => { exec('ls ' + rq.query.d); } });`, 'command-injection', 1],
  ['koa ctx.request and ctx.params', `${EXEC}router.get('/:d', async (ctx) => { exec('ls ' + ctx.params.d + ctx.request.query.e); });`, 'command-injection', 1],
  ['req.get and req.param', `${EXEC}app.get('/', (req, res) => { exec('echo ' + req.get('X-Name') + req.param('x')); });`, 'command-injection', 1],
  ['url search params', `${EXEC}const http = require('http');\nhttp.createServer((req, res) => { const u = new URL(req.url, 'http://x'); exec('ping ' + u.searchParams.get('h')); });`, 'command-injection', 1],
  ['websocket message', `${EXEC}wss.on('connection', (ws) => { ws.on('message', (data) => { exec(String(data)); }); });`, 'command-injection', 1],
  ['socket.io event payload', `${EXEC}io.on('connection', (socket) => { socket.on('run', (payload) => { exec('echo ' + payload.text); }); });`, 'command-injection', 1],
  ['Next.js route handler', `import { NextRequest } from 'next/server';\nimport { exec } from 'child_process';\nexport async function POST(request: NextRequest) { const body = await request.json(); exec('echo ' + body.msg); return Response.json({}); }`, 'command-injection', 1, 'route.ts'],
  ['hapi route handler payload', `${EXEC}server.route({ method: 'POST', path: '/x', handler: (request, h) => { exec('echo ' + request.payload.msg); return 'ok'; } });`, 'command-injection', 1],
  ['GraphQL resolver arguments', `${SQL}const resolvers = { Query: { user: (parent, { name }) => db.all("SELECT * FROM users WHERE name = '" + name + "'"), post(_, args) { return db.all('SELECT * FROM posts WHERE id = ?', [args.id]); } } };`, 'sql-injection', 1],
  ['express-graphql root value resolvers named by identifier', `const { graphqlHTTP } = require('express-graphql');\n${SQL}async function showProfile(args) { return db.all("SELECT * FROM users WHERE id = '" + args.userid + "'"); }\nconst root = { showProfile };\nconst graphqlroot = { profile: showProfile };\napp.use('/graphql', graphqlHTTP({ schema, rootValue: graphqlroot }));`, 'sql-injection', 1],
  ['a plain object of functions is not a GraphQL root', `${SQL}function show(args) { return db.all("SELECT * FROM users WHERE id = '" + args.userid + "'"); }\nconst handlers = { profile: show };\nmodule.exports = handlers;`, 'sql-injection', 0],
  ['command-line arguments', `${EXEC}const target = process.argv[2];\nexec('ping ' + target);`, 'command-injection', 1],
  ['an executable script\'s arguments are its own user\'s, who already has a shell', `#!/usr/bin/env node\n${EXEC}const target = process.argv[2];\nexec('git clone repo ' + target);`, 'command-injection', 0],
  ['command-line arguments choosing a file are the CLI user\'s own', `const fs = require('fs');\nconsole.log(fs.readFileSync(process.argv[2], 'utf8'));`, 'path-traversal', 0],
  ['a request parameter outside web server files is not an HTTP request', `const fs = require('fs');\nfunction resolve(request, cb) { fs.stat(request.path, cb); }`, 'path-traversal', 0],
  ['a request parameter in an Express file is an HTTP request', `const express = require('express');\nconst fs = require('fs');\nfunction show(request, response) { fs.readFile(request.query.f, () => {}); }`, 'path-traversal', 1],
  ['multer original file name', `const fs = require('fs');\napp.post('/u', upload.single('f'), (req, res) => { fs.writeFileSync('/up/' + req.file.originalname, req.file.buffer); });`, 'path-traversal', 1],
  ['multer generated path is not user input', `const fs = require('fs');\napp.post('/u', upload.single('f'), (req, res) => { fs.readFileSync(req.file.path); });`, 'path-traversal', 0],
  ['Number() sanitises', `${SQL}app.get('/', (req, res) => { db.all('SELECT * FROM t WHERE id = ' + Number(req.query.id)); });`, 'sql-injection', 0],
  ['parseInt sanitises', `${SQL}app.get('/', (req, res) => { const id = parseInt(req.query.id, 10); db.all(\`SELECT * FROM t WHERE id = \${id}\`); });`, 'sql-injection', 0],
  ['reassignment to a constant clears taint', `${SQL}app.get('/', (req, res) => { let q = req.query.q; q = 'x'; db.all('SELECT * FROM t WHERE q = ' + q); });`, 'sql-injection', 0],
  ['reassignment inside a branch keeps taint', `${SQL}app.get('/', (req, res) => { let q = req.query.q; if (!q) q = 'x'; db.all('SELECT * FROM t WHERE q = ' + q); });`, 'sql-injection', 1],
  ['compound concatenation', `${SQL}app.get('/', (req, res) => { let s = 'SELECT * FROM t'; s += ' WHERE q = ' + req.query.q; db.all(s); });`, 'sql-injection', 1],
  ['a zod schema with free-form strings validates shape, not content', `const { z } = require('zod');\n${SQL}const Q = z.object({ name: z.string() });\napp.get('/', (req, res) => { const { name } = Q.parse(req.query); db.all("SELECT * FROM t WHERE n = '" + name + "'"); });`, 'sql-injection', 1],
  ['a zod schema of uuids and numbers sanitises', `const { z } = require('zod');\n${SQL}const Q = z.object({ id: z.string().uuid(), page: z.coerce.number().int() });\napp.get('/', (req, res) => { const q = Q.parse(req.query); db.all("SELECT * FROM t WHERE id = '" + q.id + "' LIMIT " + q.page); });`, 'sql-injection', 0],
  ['an inline Joi schema of enums sanitises', `const Joi = require('joi');\n${EXEC}app.post('/', async (req, res) => { const v = await Joi.object({ svc: Joi.string().valid('web', 'db') }).validateAsync(req.body); exec('systemctl restart ' + v.svc); });`, 'command-injection', 0],
  ['untainted functions called elsewhere stay quiet', `${SQL}function q(x) { return db.all('SELECT * FROM t WHERE a = ' + x); }\nq(42);`, 'sql-injection', 0],
];

for (const [name, code, ruleId, count, file = 'app.js', options = {}] of CASES) {
  test(name, () => {
    const r = analyze(code, file, options);
    assert.deepEqual(r.errors, [], 'parses');
    const found = r.findings.filter((f) => f.ruleId === ruleId);
    assert.equal(found.length, count, r.findings.map((f) => f.message).join('\n') || 'no findings');
  });
}

test('Nest controller decorators are sources', () => {
  const code = `import { Controller, Get, Query, Param, Body, Post } from '@nestjs/common';
import { exec } from 'child_process';
@Controller('tools')
export class ToolsController {
  @Get('ping/:host')
  ping(@Param('host') host: string) { exec('ping ' + host); }
  @Post('run')
  run(@Body() dto: { cmd: string }) { exec(dto.cmd); }
  @Get('safe')
  safe(@Query('n') n: string) { exec('echo ' + Number(n)); }
}`;
  const r = analyze(code, 'tools.controller.ts');
  const found = r.findings.filter((f) => f.ruleId === 'command-injection');
  assert.equal(found.length, 2, r.findings.map((f) => f.message).join('\n'));
  assert.match(found[0].message, /@Param\('host'\) host/);
});

test('Nest controller calling a same-file service method', () => {
  const code = `import { Controller, Get, Query, Injectable } from '@nestjs/common';
import { execSync } from 'child_process';
@Injectable()
export class DnsService {
  lookup(name: string) { return execSync('nslookup ' + name).toString(); }
}
@Controller('dns')
export class DnsController {
  constructor(private readonly dns: DnsService) {}
  @Get()
  get(@Query('name') name: string) { return this.dns.lookup(name); }
}`;
  const r = analyze(code, 'dns.ts');
  assert.equal(r.findings.filter((f) => f.ruleId === 'command-injection').length, 1);
});

test('extra sources from options', () => {
  const code = `${EXEC}function handle(ctx) { exec('ls ' + ctx.state.input); exec('ls ' + getUserInput()); }`;
  const quiet = analyze(code.replace('function handle(ctx)', 'function handle(c)').replace('ctx.state', 'c.state'));
  assert.equal(quiet.findings.length, 0);
  const r = analyze(code.replace('function handle(ctx)', 'function handle(c)').replace('ctx.state', 'c.state'), 'a.js', {
    extraSources: ['c.state.input', 'getUserInput()'],
  });
  assert.equal(r.findings.length, 2, r.findings.map((f) => f.message).join('\n'));
});

test('a finding names its source and carries the path source first', () => {
  const code = `${SQL}app.get('/', (req, res) => {\n  const { id } = req.query;\n  const sql = 'SELECT * FROM t WHERE id = ' + id;\n  db.all(sql);\n});`;
  const [f] = analyze(code).findings;
  assert.equal(f.message, 'User input from req.query.id reaches a SQL query built by string concatenation (CWE-89)');
  assert.equal(code.slice(f.span.start, f.span.end), 'sql');
  assert.deepEqual(f.flow.map((s) => code.slice(s.span.start, s.span.end)), ['id', 'sql', 'sql']);
  assert.match(f.flow[0].message, /req\.query\.id/);
});

test('a query variable used by two calls gets no fix that would leave one without values', () => {
  const code = `${SQL}app.get('/', (req, res) => { const sql = 'SELECT * FROM t WHERE id = ' + req.query.id; db.all(sql, (e, r) => { db.get(sql, () => res.json(r)); }); });`;
  const found = analyze(code).findings.filter((f) => f.ruleId === 'sql-injection');
  assert.equal(found.length, 2);
  assert.ok(found.every((f) => f.fixes.length === 0));
});

test('the execFile fix follows a promisified exec and adds the import it needs', () => {
  const code = `const { exec } = require('child_process');
const { promisify } = require('util');
const execAsync = promisify(exec);
app.get('/ping', async (req, res) => {
  const { stdout } = await execAsync(\`ping -c 1 \${req.query.host}\`);
  res.send(stdout);
});`;
  const [finding] = analyze(code).findings.filter((f) => f.ruleId === 'command-injection');
  const fixed = applyEdits(code, finding.fixes[0].edits);
  assert.match(fixed, /const \{ exec, execFile \} = require\('child_process'\);/);
  assert.match(fixed, /const execFileAsync = promisify\(execFile\);/);
  assert.match(fixed, /await execFileAsync\('ping', \['-c', '1', req\.query\.host\]\)/);
  assert.deepEqual(analyze(fixed).findings.filter((f) => f.ruleId === 'command-injection'), []);
});
