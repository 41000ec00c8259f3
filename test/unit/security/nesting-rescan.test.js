// The bracket-depth guard in front of the parser, scanned again only from an edit on: after every
// edit of a random sequence it gives the answer of a scan over the whole text, whether anything is
// nested too deep, and the parse through a kept tree stays the parse of a fresh one.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { prng: random } = require('../../support/random');

const DIST = path.join(__dirname, '..', '..', '..', 'server', 'dist', 'core', 'source');
const { flattenDeepNesting, rescanNesting, MAX_BRACKET_DEPTH } = require(path.join(DIST, 'nesting.js'));
const { changeRange, parseDocument, parseDocumentIncrementally } = require(path.join(DIST, 'parse.js'));

// Pieces that change the scan's state for everything after them: strings, comments and template
// text that swallow brackets, their ends, and runs of brackets deep enough to cross the limit.
const PIECES = [
  '(', ')', '[', ']', '{', '}', "'", '"', '`', '${', '/*', '*/', '//', '\n', '\\', 'x', ' ',
  '('.repeat(120), ')'.repeat(120), '{'.repeat(150), '}'.repeat(150), '`${', "'(((", '/* ((( */',
];

function base(rnd) {
  const parts = [];
  for (let i = 0; i < 3000; i++) {
    const r = rnd();
    if (r < 0.6) parts.push('app.get("/x", (req, res) => { res.send([1, 2, `a${req.query.q}b`]); });\n');
    else if (r < 0.8) parts.push('// (((( comment\n');
    else parts.push('/* [[ */ const s = "((" + \'[[\';\n');
  }
  return parts.join('');
}

function edit(text, rnd) {
  const start = Math.floor(rnd() * (text.length + 1));
  const end = Math.min(text.length, start + (rnd() < 0.5 ? 0 : Math.floor(rnd() * 40)));
  const piece = PIECES[Math.floor(rnd() * PIECES.length)];
  return text.slice(0, start) + piece + text.slice(end);
}

/** The checkpoints of a text from a whole scan (none when it is too deep). */
function fullScan(text) {
  const points = [];
  return flattenDeepNesting(text, MAX_BRACKET_DEPTH, points).span ? undefined : points;
}

for (const seed of [1, 2, 3]) {
  test(`scanning from the edit on says what a whole scan says, edit after edit (seed ${seed})`, () => {
    const rnd = random(seed);
    let text = base(rnd);
    let points = fullScan(text);
    assert.ok(points && points.length > 10, 'the starting text is within the limit and has checkpoints');
    let deep = 0;
    for (let i = 0; i < 300; i++) {
      const next = edit(text, rnd);
      const whole = fullScan(next);
      if (points) {
        const r = changeRange(text, next);
        const again = rescanNesting(points, { start: r.span.start, oldEnd: r.span.start + r.span.length, newEnd: r.span.start + r.newLength }, next, MAX_BRACKET_DEPTH);
        assert.equal(again === undefined, whole === undefined, `edit ${i + 1}: rescan says ${again ? 'within' : 'too deep'}`);
        points = again;
      } else {
        points = whole;
      }
      if (!whole) deep++;
      text = next;
    }
    assert.ok(deep > 0, 'some versions crossed the limit');
  });
}

test('a text typed from empty keeps true checkpoints: every later edit, before or after them, gets a whole scan\'s answer', () => {
  const rnd = random(9);
  let text = '';
  let points = fullScan(text);
  for (let i = 0; i < 400; i++) {
    // Mostly growing at the end, as typing a new file does, sometimes edited near the start.
    const at = rnd() < 0.7 ? text.length : Math.floor(rnd() * Math.min(text.length + 1, 6000));
    const piece = rnd() < 0.8 ? 'f(a, [b, { c: `${d}` }]); // ((\n'.repeat(1 + Math.floor(rnd() * 8)) : PIECES[Math.floor(rnd() * PIECES.length)];
    const next = text.slice(0, at) + piece + text.slice(at);
    const whole = fullScan(next);
    if (points) {
      const r = changeRange(text, next);
      const again = rescanNesting(points, { start: r.span.start, oldEnd: r.span.start + r.span.length, newEnd: r.span.start + r.newLength }, next, MAX_BRACKET_DEPTH);
      assert.equal(again === undefined, whole === undefined, `edit ${i + 1}`);
      if (again) {
        assert.equal(again[0].at, 0, `edit ${i + 1}: the first checkpoint is the start of the text`);
        assert.ok(again.every((p, k) => k === 0 || p.at > again[k - 1].at), `edit ${i + 1}: checkpoints in order`);
        // Each checkpoint is where a whole scan stands at that index.
        for (const p of again) assert.equal(replay(next, p.at), p.stack, `edit ${i + 1}: checkpoint at ${p.at}`);
      }
      points = again;
    } else {
      points = whole;
    }
    text = next;
  }
  assert.ok(text.length > 20000);
});

/** The scan's open contexts at index `at` (a loop top of the scan), by its rules written out again. */
function replay(text, at) {
  const stack = [];
  let i = 0;
  while (i < at) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (top === '`') {
      if (c === '\\') i += 2;
      else if (c === '`') { stack.pop(); i++; }
      else if (c === '$' && text[i + 1] === '{') { stack.push('$'); i += 2; }
      else i++;
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl; continue; }
    if (c === '/' && text[i + 1] === '*') { const close = text.indexOf('*/', i + 2); i = close < 0 ? text.length : close + 2; continue; }
    if (c === '`') { stack.push('`'); i++; continue; }
    if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      if (top === '$') { stack.pop(); i++; continue; }
      stack.pop();
    }
    i++;
  }
  assert.equal(i, at, `index ${at} is a loop top of the scan`);
  return stack.join('');
}

test('a kept tree followed by an edit that nests too deep, and one that undoes it, parses like a fresh parse', () => {
  const slot = {};
  const text = "const a = 1;\napp.get('/a', (req, res) => res.send(req.query.a));\n";
  parseDocumentIncrementally(slot, text, 'js', []);
  const deep = `${text.slice(0, 13)}const b = ${'['.repeat(300)}${']'.repeat(300)};\n${text.slice(13)}`;
  const errors = [];
  parseDocumentIncrementally(slot, deep, 'js', errors);
  assert.ok(errors.some((e) => e.kind === 'limit'), 'the deep version is reported as a limit');
  const freshErrors = [];
  parseDocument(deep, 'js', freshErrors);
  assert.deepEqual(errors, freshErrors);
  const back = parseDocumentIncrementally(slot, text, 'js', []);
  assert.equal(back.sourceFile.statements.length, 2);
});

test('the range an edit changed is the smallest one, found by comparing whole chunks then characters', () => {
  // The plain definition, one character at a time from both ends.
  const smallest = (b, a) => {
    const max = Math.min(b.length, a.length);
    let s = 0;
    while (s < max && b[s] === a[s]) s++;
    let t = 0;
    while (t < max - s && b[b.length - 1 - t] === a[a.length - 1 - t]) t++;
    return { span: { start: s, length: b.length - s - t }, newLength: a.length - s - t };
  };
  const rnd = random(5);
  for (let k = 0; k < 2000; k++) {
    // Repetitive texts, so a range could be placed in several ways, and edits around chunk borders.
    const text = 'ab\n'.repeat(Math.floor(rnd() * 3000));
    const start = Math.floor(rnd() * (text.length + 1));
    const end = Math.min(text.length, start + Math.floor(rnd() * (k % 5 === 0 ? 3000 : 4)));
    const inserted = ['', 'a', 'ab\n', 'b'.repeat(1024), '\n'.repeat(Math.floor(rnd() * 2048))][Math.floor(rnd() * 5)];
    const next = text.slice(0, start) + inserted + text.slice(end);
    assert.deepEqual(changeRange(text, next), smallest(text, next), `case ${k}`);
  }
});
