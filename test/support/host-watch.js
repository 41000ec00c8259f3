// What the escape suites watch on the real machine while hostile code runs in the sandbox: a canary
// file that must never appear, and every child process or socket the test process starts (the
// sandbox must never cause one).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cp = require('node:child_process');
const net = require('node:net');

/** Starts watching; `calls` lists each host capability used since. `dispose` removes the canary's folder. */
function watchHost(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const calls = [];
  for (const name of ['spawn', 'exec', 'execFile', 'fork', 'execSync', 'spawnSync']) {
    const real = cp[name];
    cp[name] = function (...args) {
      calls.push(`child_process.${name}`);
      return real.apply(this, args);
    };
  }
  const realConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    calls.push('net.connect');
    return realConnect.apply(this, args);
  };
  return {
    canary: path.join(dir, 'canary.txt'),
    calls,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

module.exports = { watchHost };
