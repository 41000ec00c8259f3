// Module summaries: what a module exports and, per exported function, which parameters reach
// which sinks and which come back out; and the package instances it exports.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { summariseModule } = require('../../../server/dist/core/workspace/summary.js');

function summary(text, fileName = '/app/m.js', deps) {
  const s = summariseModule({ fileName, text, deps });
  const fns = Object.fromEntries(Object.values(s.functions).map((f) => [f.name, { sinks: f.sinks.map((k) => `${k.param}:${k.ruleId}`), returns: f.returns.map((r) => r.param) }]));
  return { fns, handles: s.handles, raw: s };
}

test('object members exported whole, and what each returns', () => {
  const { fns } = summary("const db = require('./db');\nvar actions = { find: function (q) { return db.query('SELECT * FROM t WHERE a = ' + q); }, echo(x) { return x; }, num(x) { return Number(x); } };\nmodule.exports = actions;\n");
  assert.deepEqual(fns.find.sinks, ['0:sql-injection']);
  assert.deepEqual(fns.echo, { sinks: [], returns: [0] });
  assert.deepEqual(fns.num.returns, [], 'a number is no longer request text');
});

test('constructor functions: the methods assigned to this, by the key an importer reaches them with', () => {
  const named = summary("function UserDAO(db) { this.add = function (name) { db.query(\"INSERT INTO u VALUES ('\" + name + \"')\"); }; }\nmodule.exports = { UserDAO };\n");
  assert.deepEqual(named.fns['UserDAO.add'].sinks, ['0:sql-injection']);
  const whole = summary("function UserDAO(db) { this.add = function (name) { db.query(\"INSERT INTO u VALUES ('\" + name + \"')\"); }; }\nmodule.exports = UserDAO;\n");
  assert.deepEqual(whole.fns.add.sinks, ['0:sql-injection']);
});

test('class methods and exports.x = function', () => {
  assert.deepEqual(summary("const cp = require('child_process');\nexport class Runner { run(cmd, opts) { cp.exec('sh -c ' + cmd); } }\n", '/app/m.ts').fns['Runner.run'].sinks, ['0:command-injection']);
  assert.deepEqual(summary("const fs = require('fs');\nexports.read = function (dir, name) { return fs.readFileSync(dir + '/' + name); };\n").fns.read.sinks.sort(), ['0:path-traversal', '1:path-traversal']);
});

test('a second parameter that meets the first on the way is still seen', () => {
  assert.deepEqual(summary('exports.join = function (a, b) { return a + b; };\n').fns.join.returns.sort(), [0, 1]);
});

test('package instances a module exports, made directly, by a local factory, or declared with a type', () => {
  assert.deepEqual(summary("import { Sequelize } from 'sequelize';\nlet sequelize = make();\nfunction make() { return new Sequelize('db'); }\nexport { sequelize };\n", '/app/m.ts').handles, { sequelize: { module: 'sequelize', path: ['Sequelize', '()'] } });
  assert.deepEqual(summary("const Sequelize = require('sequelize');\nconst s = new Sequelize('x');\nconst db = {};\ndb.main = s;\nmodule.exports = db;\n").handles, { main: { module: 'sequelize', path: ['()'] } });
  assert.deepEqual(summary("import { Pool } from 'pg';\nexport const pool: Pool = create();\n", '/app/m.ts').handles, { pool: { module: 'pg', path: ['Pool', '()'] } });
});

test("a flow continues through the summaries of the module's own imports, and says where it ends", () => {
  const leaf = summariseModule({ fileName: '/app/lib/net.js', text: "const cp = require('child_process');\nexports.run = (t) => cp.exec('ping ' + t);\n" });
  const mid = summary("const net = require('./lib/net');\nexports.ping = (host) => net.run(host);\n", '/app/service.js', { './lib/net': leaf });
  assert.deepEqual(mid.fns.ping.sinks, ['0:command-injection']);
  assert.equal(mid.raw.functions.ping.sinks[0].via, './lib/net.js:2');
  assert.equal(mid.raw.functions.ping.sinks[0].depth, 2);
});

test('broken or hostile code yields an empty summary, not an error', () => {
  for (const text of ['export function (', 'module.exports = ' + '['.repeat(5000), '\u0000\u0001 export']) {
    const s = summariseModule({ fileName: '/app/x.js', text });
    assert.equal(typeof s.hash, 'string');
  }
});
