// The test code is type-checked against the build's declarations (test/tsconfig.json, run by
// `npm test` before any test): a test that reads a field the server no longer has, or passes one
// it does not take, fails at build time instead of passing or failing for the wrong reason.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'test', 'tsconfig.json');

/** test/tsconfig.json as tsc reads it: its options and the files it checks. */
function testConfig() {
  const read = ts.readConfigFile(CONFIG, ts.sys.readFile);
  assert.equal(read.error, undefined);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(CONFIG));
}

/** Type-checks `files` (name → text, written to a temporary folder) with the test options. */
function check(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-typecheck-'));
  try {
    const names = Object.entries(files).map(([name, text]) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    });
    const { incremental, tsBuildInfoFile, ...options } = testConfig().options;
    const program = ts.createProgram(names, options);
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.basename(d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : '';
      return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a misnamed field in a test file is a type error; the correctly named one is not', () => {
  const analyze = JSON.stringify(path.join(ROOT, 'server', 'dist', 'core', 'static-analysis.js'));
  const body = (field) => [
    "'use strict';",
    "const assert = require('node:assert/strict');",
    `const { analyzeDocument, allRules } = require(${analyze});`,
    "const report = analyzeDocument({ fileName: 'a.js', text: 'eval(process.argv[2]);' }, { rules: {}, extraSources: [], maxFileSize: 1000 });",
    `for (const f of report.findings) assert.ok(f.${field}.length > 0);`,
    'for (const r of allRules()) assert.ok(r.taint === undefined || r.taint.sinkNoun.length > 0);',
    '',
  ].join('\n');
  const diagnostics = check({ 'right.test.js': body('ruleId'), 'wrong.test.js': body('ruleID') });
  assert.equal(diagnostics.length, 1, diagnostics.join('\n'));
  assert.match(diagnostics[0], /^wrong\.test\.js\(5\): TS2551 Property 'ruleID' does not exist on type 'Finding'\. Did you mean 'ruleId'\?/);
});

test('the type check covers every test file npm test runs, and npm test runs it before the tests', () => {
  const checked = new Set(testConfig().fileNames.map((f) => path.resolve(f)));
  const tests = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'fixtures' && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && e.name.endsWith('.test.js')) tests.push(p);
    }
  };
  walk(path.join(ROOT, 'test'));
  assert.ok(tests.length > 50);
  assert.deepEqual(tests.filter((t) => !checked.has(t)), []);
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.test;
  // (Environment for the run may come between: the tests keep check's findings cache in a fresh directory.)
  assert.match(script, /^npm run build && tsc -p test\/tsconfig\.json && (\w+=("[^"]*"|\S+) )*node --test /);
});
