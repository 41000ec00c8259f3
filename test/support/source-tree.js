// Reading server/src as the architecture tests see it: its TypeScript files, and the modules each
// one names. Shared by the layering, import-cycle and worker-contract tests, so that all three
// count the same imports.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const SRC = path.join(__dirname, '..', '..', 'server', 'src');

/**
 * Every .ts file under `dir`.
 * @param {string} dir
 * @returns {string[]}
 */
function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/**
 * The module a node names, if it names one: import, import type, export … from, import = require,
 * require(), import() and `import('x').T` types.
 * @param {import('typescript').Node} node
 * @returns {string | undefined}
 */
function moduleSpecifier(node) {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
    return node.moduleSpecifier.text;
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const e = node.moduleReference.expression;
    return ts.isStringLiteral(e) ? e.text : undefined;
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const arg = node.arguments[0];
    const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
    const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
    return (isRequire || isImport) && arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
    return node.argument.literal.text;
  }
  return undefined;
}

/**
 * The file's parsed tree.
 * @param {string} file
 * @returns {import('typescript').SourceFile}
 */
function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/**
 * Every relative module specifier the file names (see moduleSpecifier).
 * @param {string} file
 * @returns {string[]}
 */
function relativeSpecifiers(file) {
  const specs = [];
  /** @param {import('typescript').Node} node */
  const visit = (node) => {
    const spec = moduleSpecifier(node);
    if (spec?.startsWith('.')) specs.push(spec);
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return specs;
}

module.exports = { SRC, sourceFiles, moduleSpecifier, parse, relativeSpecifiers };
