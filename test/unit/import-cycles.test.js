// No import cycles in server/src, type-only imports included: a cycle means two files cannot be
// understood, tested or moved apart, and in CommonJS a value cycle hands one side a half-built module.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { SRC, sourceFiles, relativeSpecifiers } = require('../support/source-tree');

/** The source file a relative specifier names: `x`, `x.js` or `x/index`. */
function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The import graph's cycles, one per strongly connected component (Tarjan), as file paths. */
function findCycles(files) {
  const edges = new Map(files.map((f) => [f, [...new Set(relativeSpecifiers(f).map((s) => resolve(f, s)).filter(Boolean))]]));
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (edges.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const f of edges.keys()) if (!index.has(f)) connect(f);
  return components.map((c) => cycleThrough(c, edges));
}

/** One concrete loop inside a strongly connected component, for a readable message. */
function cycleThrough(component, edges) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const seen = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const loop = [v];
        for (let p = seen.get(v); p !== null; p = seen.get(p)) loop.unshift(p);
        return [...loop, start];
      }
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

const show = (cycle, root) => cycle.map((f) => path.relative(root, f).split(path.sep).join('/')).join(' → ');

test('server/src has no import cycles, type-only imports included', () => {
  assert.deepEqual(findCycles(sourceFiles(SRC)).map((c) => show(c, SRC)), []);
});

test('the cycle check sees real cycles: type-only, through an index, and a file importing itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cycles-'));
  try {
    const write = (rel, text) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    write('a.ts', "import { b } from './b';\nexport const a = b;\n");
    write('b.ts', "import type { C } from './c/index.js';\nexport const b = 1 as unknown as C;\n");
    write('c/index.ts', "export type C = typeof import('../a').a;\n");
    write('d.ts', "export { d } from './d';\n");
    write('e.ts', "import { a } from './a';\nexport const e = a;\n");
    const cycles = findCycles(sourceFiles(dir)).map((c) => show(c, dir)).sort();
    assert.deepEqual(cycles, ['a.ts → b.ts → c/index.ts → a.ts', 'd.ts → d.ts']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
