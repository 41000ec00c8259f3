// The statement splitter and the prefix checker: statements are found in a growing body whatever
// the chunking, and taint from earlier statements reaches the newest one.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const c = require('../../../server/dist/core/constraints');

const DOC = [
  "const express = require('express');",
  "const { exec } = require('child_process');",
  'const app = express();',
  "app.get('/ls', (req, res) => {",
  "  res.send('old');",
  '});',
  '',
].join('\n');

function target() {
  const at = DOC.indexOf("res.send('old')");
  return c.findTarget('app.js', DOC, { start: at, end: at + 3 }, 'js');
}

/** Feeds `body` one character at a time and returns every cut point reported. */
function cutsOf(body) {
  let state = c.INITIAL_SPLIT;
  const cuts = [];
  let closedAt;
  for (let n = 1; n <= body.length && closedAt === undefined; n++) {
    const r = c.splitBody(body.slice(0, n), state);
    state = r.state;
    cuts.push(...r.cuts);
    closedAt = r.closedAt;
  }
  return { ends: cuts.map((x) => body.slice(0, x.end).split('\n').pop().trim()), depths: cuts.map((x) => x.depth), closedAt };
}

test('statements end at semicolons and blocks, not inside strings, templates, regexes or calls', () => {
  const body = "\n  const s = 'a;}' + `x${ {a: 1}.a }`;\n  if (/;}/.test(s)) {\n    f(() => { g(); });\n  }\n  return s;\n}";
  const { ends, depths, closedAt } = cutsOf(body);
  assert.deepEqual(ends, ["const s = 'a;}' + `x${ {a: 1}.a }`;", 'f(() => { g(); });', '}', 'return s;']);
  assert.deepEqual(depths, [0, 1, 0, 0]);
  assert.equal(body[closedAt], '}');
  assert.equal(closedAt, body.length - 1);
});

test('inside an open try block the prefix is closed with a finally, and the try alone is no statement', () => {
  const body = "\n  try {\n    a();\n  } catch (e) {\n    b();\n  }\n}";
  let state = c.INITIAL_SPLIT;
  const cuts = [];
  for (let n = 1; n <= body.length; n++) {
    const r = c.splitBody(body.slice(0, n), state);
    state = r.state;
    cuts.push(...r.cuts.map((x) => [body.slice(0, x.end).split('\n').pop().trim(), x.closers]));
  }
  assert.deepEqual(cuts, [['a();', '} finally {}'], ['b();', '}'], ['}', '']]);
});

test('a semicolon-free style still yields statements at line starts', () => {
  const { ends } = cutsOf('\n  const a = req.query.a\n  const b = a\n  return b\n}');
  assert.deepEqual(ends, ['const a = req.query.a', 'const b = a']);
});

test('the checker carries taint forward and blames the statement that reaches the sink', () => {
  const t = target();
  const set = c.buildConstraintSet({});
  const checker = c.createPrefixChecker(t, set);
  const body = '\n  const dir = req.query.dir;\n  const cmd = "ls " + dir;\n  exec(cmd, (e, out) => res.send(out));\n';
  /** @type {Array<{ ok: boolean, violations?: import('../../../server/dist/core/constraints/checker').Violation[] }>} */
  const results = [];
  let state = c.INITIAL_SPLIT;
  for (let n = 1; n <= body.length; n++) {
    const r = c.splitBody(body.slice(0, n), state);
    state = r.state;
    for (const cut of r.cuts) results.push(checker.check(body.slice(0, n), cut));
  }
  assert.deepEqual(results.map((r) => r.ok), [true, true, false]);
  assert.equal(results[2].violations[0].constraint, 'command-injection');
  assert.match(results[2].violations[0].statement, /^exec\(cmd/);
  assert.equal(checker.acceptedEnd, body.indexOf('exec') - 3);
});

test('policy: banned calls and modules are violations, required validation is checked on the whole body', () => {
  const t = target();
  const set = c.buildConstraintSet({ policy: { bannedModules: ['child_process'], bannedCalls: ['eval'], requiredValidation: ['validate'] } });
  const checker = c.createPrefixChecker(t, set);
  const body = "\n  eval('1');\n";
  const bad = checker.check(body, { end: body.indexOf(';') + 1, depth: 0, closers: '', open: [], by: 'token' });
  assert.equal(bad.ok, false);
  assert.equal(bad.violations[0].constraint, 'policy/banned-call');
  const cp = c.analyseBody(t, set, "\n  exec('ls', () => res.send('x'));\n", 0);
  assert.equal(cp.policy[0].id, 'policy/banned-module');
  assert.equal(c.analyseBody(t, set, "\n  res.send('x');\n", 0, true).policy[0].id, 'policy/required-validation');
  assert.deepEqual(c.analyseBody(t, set, "\n  validate(req.query);\n  res.send('x');\n", 0, true).policy, []);
  assert.ok(set.constraints.some((x) => x.text.includes('"child_process"')));
});

test('a generated body is laid out at the indentation of the code around it', () => {
  const t = target();
  assert.equal(c.formatBody(t, '\n        a();\n        if (b) {\n          c();\n        }\n  '), '\n  a();\n  if (b) {\n    c();\n  }\n');
});
