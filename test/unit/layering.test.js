// The architecture's layering, enforced: core is pure, only protocol speaks LSP, nothing but the
// transport and the CLI writes to stdout.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ts = require('typescript');

const SRC = path.join(__dirname, '..', '..', 'server', 'src');

/** The file's code with comments and string contents blanked, so prose and patterns that merely
 *  mention `process.env` or `console.log` do not count as uses. */
function codeOnly(text) {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  let out = '';
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const token = scanner.getTokenText();
    const blank =
      kind === ts.SyntaxKind.StringLiteral ||
      kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      kind === ts.SyntaxKind.SingleLineCommentTrivia ||
      kind === ts.SyntaxKind.MultiLineCommentTrivia;
    out += blank ? token.replace(/[^\n]/g, ' ') : token;
  }
  return out;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  let m;
  while ((m = re.exec(text))) specs.push(m[1] ?? m[2] ?? m[3]);
  return { text, specs };
}

function layerOf(file) {
  return path.relative(SRC, file).split(path.sep)[0];
}

const files = sourceFiles(SRC);

test('core imports only core and pure parsing libraries', () => {
  const allowedPackages = new Set(['typescript', 'acorn', 'acorn-walk', 'fastest-levenshtein']);
  const problems = [];
  for (const file of files.filter((f) => layerOf(f) === 'core')) {
    const { specs } = importsOf(file);
    const text = codeOnly(fs.readFileSync(file, 'utf8'));
    for (const spec of specs) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (layerOf(target) !== 'core') problems.push(`${path.relative(SRC, file)} imports ${spec}`);
      } else if (!allowedPackages.has(spec)) {
        problems.push(`${path.relative(SRC, file)} imports ${spec}`);
      }
    }
    const impure = /\bprocess\.(env|stdout|stderr|exit|argv|cwd)\b|\bconsole\.|\bsetTimeout\(|\bsetInterval\(|\bDate\.now\(/.exec(text);
    if (impure) problems.push(`${path.relative(SRC, file)} uses ${impure[0]}`);
  }
  assert.deepEqual(problems, []);
});

test('only protocol/ and cli/ import vscode-languageserver', () => {
  const problems = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (layer === 'protocol' || layer === 'cli') continue;
    for (const spec of importsOf(file).specs) {
      if (/^vscode-(languageserver|jsonrpc)/.test(spec)) problems.push(`${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('lower layers never import upper ones', () => {
  const rank = { core: 0, config: 1, model: 1, workers: 2, engine: 3, protocol: 4, cli: 5 };
  const problems = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const spec of importsOf(file).specs) {
      if (!spec.startsWith('.')) continue;
      const to = layerOf(path.resolve(path.dirname(file), spec));
      if (to === from || !(to in rank)) continue;
      if (rank[to] >= rank[from] && !(from === 'cli' && to === 'protocol')) {
        problems.push(`${path.relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('nothing outside cli/ writes to stdout', () => {
  const problems = [];
  for (const file of files) {
    if (layerOf(file) === 'cli') continue;
    const text = codeOnly(fs.readFileSync(file, 'utf8'));
    const m = /(?<![\w.])console\.(log|info|debug|warn|error)\(|process\.stdout\.write/.exec(text);
    if (m) problems.push(`${path.relative(SRC, file)} uses ${m[0]}`);
  }
  assert.deepEqual(problems, []);
});
