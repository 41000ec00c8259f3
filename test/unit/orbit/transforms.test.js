// Each transform's preconditions, checked at the analysis boundary: what it rewrites, and the
// cases where it must decline because equivalence cannot be proved.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { transformById, runTransform, createRng } = require('../../../server/dist/core/orbit/index.js');

/** All distinct outputs of a transform over a few seeds (empty when it always declines). */
function outputs(id, src, seeds = 12) {
  const t = transformById(id);
  const out = new Map();
  for (let s = 1; s <= seeds; s++) {
    const r = runTransform(t, src, createRng(s));
    if (r) out.set(r.code, r);
  }
  return [...out.values()];
}
const declines = (id, src) => assert.deepEqual(outputs(id, src).map((r) => r.code), []);

test('rename-locals renames locals and params, with shorthand properties kept', () => {
  const src = 'function f(a) {\n  const b = a + 1;\n  return { b, c: g(b) };\n}';
  const all = outputs('rename-locals', src);
  assert.ok(all.length > 0);
  for (const r of all) {
    assert.match(r.code, /^function f\(/);
    assert.ok(r.code.includes('{ b: ') || r.code.includes('{ b,'), r.code);
    assert.ok(r.code.includes('g('), 'globals are never renamed');
    for (const [to, from] of Object.entries(r.renames)) assert.ok(['a', 'b'].includes(from) && to !== from);
  }
});

test('rename-locals declines under eval, with, arguments, and for names with inferred .name', () => {
  declines('rename-locals', 'function f(a) {\n  const b = 1;\n  return eval("a + b");\n}');
  declines('rename-locals', 'function f(o) {\n  var x = 1;\n  with (o) { x = y; }\n  return x;\n}');
  declines('rename-locals', 'function f(a) {\n  return arguments[0];\n}');
  declines('rename-locals', 'function f() {\n  const handler = () => 1;\n  return handler.name;\n}');
});

test('reorder swaps only independent statements', () => {
  const ok = outputs('reorder', 'function f(x) {\n  const a = 1;\n  const b = 2;\n  return a + b;\n}');
  assert.ok(ok.some((r) => r.code.includes('const b = 2;\n  const a = 1;')));
  declines('reorder', 'function f(x) {\n  const a = x.y;\n  const b = a;\n  return b;\n}');
  declines('reorder', 'function f(x) {\n  g();\n  h();\n}');
  declines('reorder', 'function f(x) {\n  let a = 1;\n  const c = () => a;\n  g(c);\n}');
});

test('for-while declines a for loop whose body continues, and loops with captured let bindings', () => {
  const r = outputs('for-while', 'function f(n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) {\n    if (i % 2) continue;\n    s += i;\n  }\n  return s;\n}');
  // `continue` would skip the moved update: the loop must stay a for loop in every output.
  assert.deepEqual(r.filter((x) => /while \(/.test(x.code)).map((x) => x.code), []);
  declines('for-while', 'function f(n) {\n  const fs = [];\n  for (let i = 0; i < n; i++) fs.push(() => i);\n  return fs;\n}');
  assert.ok(outputs('for-while', 'function f(n) {\n  while (n > 0) n--;\n  return n;\n}').some((x) => x.code.includes('for (; n > 0; )')));
});

test('for-of-index applies to provable arrays only', () => {
  assert.ok(outputs('for-of-index', 'function f(o) {\n  for (const k of Object.keys(o)) g(k);\n}').length > 0);
  declines('for-of-index', 'function f(list) {\n  for (const x of list) g(x);\n}');
  declines('for-of-index', 'function f(s) {\n  for (const x of new Set(s)) g(x);\n}');
});

test('arrow-function declines where this or arguments would change meaning', () => {
  declines('arrow-function', 'function f() {\n  return { n: 1, get: function () { return this.n; } }.get();\n}');
  declines('arrow-function', 'function f() {\n  const g = () => arguments[0];\n  return g();\n}');
  assert.ok(outputs('arrow-function', 'function f(xs) {\n  return xs.map((x) => ({ x }));\n}').some((r) => r.code.includes('(function (x) { return { x }; })')));
});

test('concat-template declines operands that may be objects', () => {
  declines('concat-template', "function f(user) {\n  return 'hi ' + user;\n}");
  assert.ok(outputs('concat-template', "function f(n) {\n  return 'n=' + (n * 2) + '!';\n}").some((r) => r.code.includes('`n=${n * 2}!`')));
});

test('compound-assign only touches local variables', () => {
  declines('compound-assign', 'function f(o) {\n  o.count += 1;\n  total += 1;\n}');
  assert.ok(outputs('compound-assign', 'function f(x) {\n  x += 2;\n  return x;\n}').some((r) => r.code.includes('(x = x + 2)')));
});

test('if-invert negates equality exactly and never flips an ordering comparison', () => {
  const r = outputs('if-invert', 'function f(a, b) {\n  if (a < b) return 1;\n  else return 2;\n}');
  assert.ok(r.length > 0, 'the transform applies');
  assert.ok(r.every((x) => x.code.includes('!(a < b)')));
});

test('early-return declines when moved declarations are used elsewhere', () => {
  declines('early-return', 'function f(a) {\n  const later = () => x;\n  if (a) { return 1; }\n  const x = 2;\n  return later();\n}');
});

test('every transform records a line map covering every output line', () => {
  const src = 'function f(a, b) {\n  // sum\n  let s = a + b;\n  if (s > 10) {\n    return "big";\n  }\n  s += 1;\n  return s > 3 ? "mid" : "small";\n}';
  for (const id of ['comment-insert', 'dead-code', 'temporaries', 'early-return', 'ternary-if', 'format']) {
    for (const r of outputs(id, src, 4)) {
      assert.equal(r.lineMap.length, r.code.split('\n').length, id);
      assert.ok(r.lineMap.every((l) => l >= 1 && l <= 9), id);
    }
  }
});

test('transforms decline on code that does not parse', () => {
  declines('rename-locals', 'function f( {');
});

test('for-of-index turns an indexed loop over a const array back into for…of, only when the index is private', () => {
  const src = 'function f(o) {\n  const keys = Object.keys(o);\n  let s = "";\n  for (let i = 0; i < keys.length; i++) {\n    const k = keys[i];\n    s += k;\n  }\n  return s;\n}';
  assert.ok(outputs('for-of-index', src).some((r) => r.code.includes('for (const k of keys) {')));
  declines('for-of-index', src.replace('s += k;', 's += k + i;'));
  declines('for-of-index', src.replace('Object.keys(o)', 'o.list'));
});
