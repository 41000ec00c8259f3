// The worker tasks' contracts live in one module, server/src/workers/contracts.ts: the engine, the
// server and the CLI import what a task takes and returns from there, never from a task's
// implementation, so a task can change inside without its callers importing its code.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const SRC = path.join(__dirname, '..', '..', 'server', 'src');
const TASKS = path.join(SRC, 'workers', 'tasks');

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function relativeImports(file) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      const c = node.expression;
      if ((ts.isIdentifier(c) && c.text === 'require') || c.kind === ts.SyntaxKind.ImportKeyword) specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.'));
}

test('outside workers/, no file imports a worker task file; contracts come from workers/contracts.ts', () => {
  const problems = [];
  for (const file of sourceFiles(SRC)) {
    if (file.startsWith(path.join(SRC, 'workers') + path.sep)) continue;
    for (const spec of relativeImports(file)) {
      const target = path.resolve(path.dirname(file), spec);
      if (target.startsWith(TASKS + path.sep)) problems.push(`${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the engine takes the sandbox, verification and package contracts from workers/contracts.ts', () => {
  const uses = (rel) => relativeImports(path.join(SRC, rel)).some((s) => s.endsWith('workers/contracts'));
  for (const rel of ['engine/verify/verifier.ts', 'engine/verify/unit.ts', 'engine/passes/verify.ts', 'engine/supply/package.ts', 'cli/check-verify.ts']) {
    assert.ok(uses(rel), `${rel} imports workers/contracts`);
  }
});
