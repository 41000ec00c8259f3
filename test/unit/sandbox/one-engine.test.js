// Untrusted code runs only in runtimes external/sandbox/runner.ts creates, with its limits, interrupt
// handler and trace checks. This test reads every file of server/src and fails when a second file
// loads QuickJS or creates a runtime or context: such a place would run code without them.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');

const SRC = path.join(__dirname, '..', '..', '..', 'server', 'src');
const THE_PLACE = path.join('external', 'sandbox', 'runner.ts');

/** Calls that load a QuickJS engine or create a runtime or context in one. */
const CREATES = /^(newQuickJSWASMModule|newQuickJSAsyncWASMModule|newQuickJSWASMModuleFromVariant|newQuickJSAsyncWASMModuleFromVariant|getQuickJS|getQuickJSSync|newRuntime|newAsyncRuntime|newContext|newAsyncContext)$/;
/** Packages that ship the engine. */
const ENGINE = /^(quickjs-emscripten(-core)?|@jitl\/quickjs-)/;

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js|mts|cts)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** What a file does with QuickJS: creating calls, and imports of the engine other than types. */
function engineUses(file) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const uses = [];
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : '';
      if (CREATES.test(name)) uses.push(`calls ${name}`);
      const arg = node.arguments[0];
      const loads = (ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword;
      if (loads && arg && ts.isStringLiteralLike(arg) && ENGINE.test(arg.text)) uses.push(`loads ${arg.text}`);
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && ENGINE.test(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) uses.push(`imports ${node.moduleSpecifier.text}`);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e) && ENGINE.test(e.text)) uses.push(`imports ${e.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return uses;
}

test('exactly one place in server/src creates QuickJS runtimes and contexts: external/sandbox/runner.ts', () => {
  const places = {};
  for (const file of sourceFiles(SRC)) {
    const uses = engineUses(file);
    if (uses.length) places[path.relative(SRC, file)] = [...new Set(uses)].sort();
  }
  assert.deepEqual(Object.keys(places), [THE_PLACE], JSON.stringify(places, null, 2));
  assert.deepEqual(places[THE_PLACE], ['calls newContext', 'calls newQuickJSWASMModule', 'calls newRuntime', 'imports quickjs-emscripten']);
});

test('the check sees a second place, and lets type imports pass', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-one-engine-'));
  try {
    const probe = path.join(dir, 'probe.ts');
    fs.writeFileSync(probe, [
      "import type { QuickJSWASMModule } from 'quickjs-emscripten';",
      "import { type QuickJSContext } from 'quickjs-emscripten';",
      "import { getQuickJS } from 'quickjs-emscripten';",
      'export async function run(mod: QuickJSWASMModule): Promise<QuickJSContext> {',
      "  const other = await import('quickjs-emscripten-core');",
      '  void other; void getQuickJS;',
      '  return mod.newRuntime().newContext();',
      '}',
    ].join('\n'));
    assert.deepEqual(engineUses(probe).sort(), ['calls newContext', 'calls newRuntime', 'imports quickjs-emscripten', 'loads quickjs-emscripten-core']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
