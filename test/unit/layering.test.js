// The architecture's layering, enforced on the syntax tree: core is pure, only protocol and cli
// speak LSP, lower layers never import upper ones, nothing but the CLI writes to stdout.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const { SRC, sourceFiles, moduleSpecifier, parse } = require('../support/source-tree');

/** Module specifiers the file really imports, and the global uses that matter for purity.
 *  Code that merely generates import text or mentions `process.env` in a string does not count. */
function scan(file) {
  const sf = parse(file);
  const specs = [];
  const globals = [];
  const visit = (node) => {
    const spec = moduleSpecifier(node);
    if (spec !== undefined) specs.push(spec);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && /^(setTimeout|setInterval|setImmediate)$/.test(callee.text)) globals.push(callee.text);
      if (callee.getText(sf) === 'process.stdout.write') globals.push('process.stdout.write()');
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const name = `${node.expression.text}.${node.name.text}`;
      if (/^(process\.\w+|console\.\w+|Date\.now)$/.test(name)) globals.push(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { specs, globals };
}

function layerOf(file) {
  return path.relative(SRC, file).split(path.sep)[0];
}

const files = sourceFiles(SRC).map((file) => ({ file, rel: path.relative(SRC, file), layer: layerOf(file), ...scan(file) }));

test('core imports only core and pure parsing libraries, and touches no process, console or clock', () => {
  const allowedPackages = new Set(['typescript', 'acorn', 'acorn-walk', 'fastest-levenshtein', 're2js']);
  const problems = [];
  for (const f of files.filter((x) => x.layer === 'core')) {
    for (const spec of f.specs) {
      if (spec.startsWith('.')) {
        if (layerOf(path.resolve(path.dirname(f.file), spec)) !== 'core') problems.push(`${f.rel} imports ${spec}`);
      } else if (!allowedPackages.has(spec)) {
        problems.push(`${f.rel} imports ${spec}`);
      }
    }
    for (const g of f.globals) problems.push(`${f.rel} uses ${g}`);
  }
  assert.deepEqual(problems, []);
});

test('only protocol/ and cli/ import vscode-languageserver', () => {
  const problems = [];
  for (const f of files) {
    if (f.layer === 'protocol' || f.layer === 'cli') continue;
    for (const spec of f.specs) {
      if (/^vscode-(languageserver|jsonrpc)/.test(spec)) problems.push(`${f.rel} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('lower layers never import upper ones', () => {
  // config/ sits above external/: the schema takes the Ollama defaults from external/llm/ollama/.
  const rank = { core: 0, external: 1, config: 2, workers: 3, engine: 4, protocol: 5, cli: 6 };
  const problems = [];
  for (const f of files) {
    for (const spec of f.specs) {
      if (!spec.startsWith('.')) continue;
      const to = layerOf(path.resolve(path.dirname(f.file), spec));
      if (to === f.layer || !(to in rank)) continue;
      if (rank[to] >= rank[f.layer] && !(f.layer === 'cli' && to === 'protocol')) {
        problems.push(`${f.rel} (${f.layer}) imports ${spec} (${to})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('nothing outside cli/ writes to stdout', () => {
  const problems = [];
  for (const f of files) {
    if (f.layer === 'cli') continue;
    for (const g of f.globals) {
      if (/^(console\.\w+|process\.stdout\.write\(\))$/.test(g)) problems.push(`${f.rel} uses ${g}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the checks see real violations', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'orbit-layering-'));
  const probe = path.join(dir, 'probe.ts');
  fs.writeFileSync(probe, "import fs from 'node:fs';\nconst home = process.env.HOME;\nconsole.log(home);\nprocess.stdout.write(home);\nconst text = `import x from '${home}'`;\n");
  const { specs, globals } = scan(probe);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(specs, ['node:fs']);
  assert.deepEqual(globals, ['process.env', 'console.log', 'process.stdout.write()', 'process.stdout']);
});
