// The worker tasks' contracts live in one module, server/src/workers/contracts.ts: the engine, the
// server and the CLI import what a task takes and returns from there, never from a task's
// implementation, so a task can change inside without its callers importing its code.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { SRC, sourceFiles, relativeSpecifiers } = require('../support/source-tree');

const TASKS = path.join(SRC, 'workers', 'tasks');

test('outside workers/, no file imports a worker task file; contracts come from workers/contracts.ts', () => {
  const problems = [];
  for (const file of sourceFiles(SRC)) {
    if (file.startsWith(path.join(SRC, 'workers') + path.sep)) continue;
    for (const spec of relativeSpecifiers(file)) {
      const target = path.resolve(path.dirname(file), spec);
      if (target.startsWith(TASKS + path.sep)) problems.push(`${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the engine takes the sandbox, verification and package contracts from workers/contracts.ts', () => {
  const uses = (rel) => relativeSpecifiers(path.join(SRC, rel)).some((s) => s.endsWith('workers/contracts'));
  for (const rel of ['engine/verify/verifier.ts', 'engine/verify/unit.ts', 'engine/passes/verify.ts', 'engine/supply/package.ts', 'cli/check-verify.ts']) {
    assert.ok(uses(rel), `${rel} imports workers/contracts`);
  }
});
