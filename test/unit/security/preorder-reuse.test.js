// The list of a file's nodes that whole-file rule walks loop over is, after an incremental parse,
// built by copying the statements the edit did not touch from the previous list: it must be the
// list a walk of the new tree gives, edit after edit, including edits that merge, split or move
// top-level statements.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { prng: random } = require('../../support/random');

const DIST = path.join(__dirname, '..', '..', '..', 'server', 'dist', 'core');
const { forEachNode } = require(path.join(DIST, 'security', 'ast.js'));
const { parseDocumentIncrementally } = require(path.join(DIST, 'source', 'parse.js'));
const { expressFile } = require('../../bench/generate');

/** The nodes of a tree in source order, by recursion; and which ones a visitor pruning at every function skips. */
function walked(sf) {
  const out = [];
  const visit = (n) => {
    out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function listed(sf, prune) {
  const out = [];
  forEachNode(sf, (n) => {
    out.push(n);
    if (prune && ts.isFunctionLike(n)) return false;
    return undefined;
  });
  return out;
}

function prunedWalk(sf) {
  const out = [];
  const visit = (n) => {
    out.push(n);
    if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Whole statements and comments inserted at a line start keep the file parseable. */
const LINES = ["app.get('/y', (req, res) => res.send(req.query.y));\n", 'function f() { return 1; }\n', '\n', '// c\n', 'const k = 2;\n'];
/** These break it (the next edit undoes them), so the tree is parsed afresh, then updated again. */
const BREAKING = ['{', '}\n', 'function f() {\n', '(', '`'];

test('whole-file walks after incremental parses visit the nodes a walk of the new tree visits, in order', () => {
  const rnd = random(3);
  const dir = path.join(__dirname, '..', '..', 'fixtures', 'security', 'broken-access-control', 'vulnerable');
  const fixture = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()[0];
  const corpus = [expressFile(300), fs.readFileSync(path.join(dir, fixture), 'utf8')];
  let reused = 0;
  for (const start of corpus) {
    let text = start;
    const slot = {};
    let broken;
    let previous = parseDocumentIncrementally(slot, text, 'js', []).sourceFile;
    listed(previous, false);
    for (let i = 0; i < 150; i++) {
      if (broken !== undefined) {
        text = broken;
        broken = undefined;
      } else if (rnd() < 0.2) {
        broken = text;
        const at = Math.floor(rnd() * (text.length + 1));
        text = text.slice(0, at) + BREAKING[Math.floor(rnd() * BREAKING.length)] + text.slice(at);
      } else {
        // At a line start: a new statement, or a line removed.
        const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
        const at = starts[Math.floor(rnd() * starts.length)];
        const lineEnd = text.indexOf('\n', at);
        text = rnd() < 0.3 && lineEnd >= 0 ? text.slice(0, at) + text.slice(lineEnd + 1) : text.slice(0, at) + LINES[Math.floor(rnd() * LINES.length)] + text.slice(at);
      }
      const sf = parseDocumentIncrementally(slot, text, 'js', []).sourceFile;
      if (sf.statements.some((s) => previous.statements.includes(s))) reused++;
      const expected = walked(sf);
      const got = listed(sf, false);
      assert.equal(got.length, expected.length, `edit ${i + 1}: ${got.length} nodes listed, ${expected.length} in the tree`);
      assert.ok(got.every((n, k) => n === expected[k]), `edit ${i + 1}: the nodes differ`);
      const pruned = listed(sf, true);
      const expectedPruned = prunedWalk(sf);
      assert.ok(pruned.length === expectedPruned.length && pruned.every((n, k) => n === expectedPruned[k]), `edit ${i + 1}: pruned walk differs`);
      previous = sf;
    }
  }
  assert.ok(reused > 100, `statements were carried into new trees ${reused} times`);
});
