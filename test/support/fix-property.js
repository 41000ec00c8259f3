// The fix property: applying any one quick fix orbit-ls offers leaves a file that still loads,
// changes nothing outside the fix's own edits, removes the finding it was offered for, and brings
// in no new finding. Shared by the unit test over test/fixtures and `npm run eval:fixes` over a
// directory of real code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const acorn = require('acorn');
const ts = require('typescript');
const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../server/dist/core/types.js');

const SOURCE = /\.(c|m)?(j|t)sx?$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);

/** Every JS/TS source file under `dir` (declaration files and dependency folders skipped). */
function sourceFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(full);
      } else if (e.isFile() && SOURCE.test(e.name) && !/\.d\.[cm]?ts$/i.test(e.name) && !/\.min\.js$/i.test(e.name)) {
        out.push(full);
      }
    }
  };
  walk(dir);
  return out;
}

function analyze(text, fileName) {
  return analyzeDocument({ fileName, text }, { ...DEFAULT_STATIC_OPTIONS, maxFileSize: 2_000_000 });
}

/**
 * Why `text` would not load, as the engine would say it (duplicate declarations included, which
 * the TypeScript parser alone lets through), or undefined when it parses. TypeScript and JSX are
 * transpiled first — keeping every import, so a clash with one still shows — then the JavaScript
 * is parsed with acorn as a module or a script.
 */
function loadError(text, fileName) {
  let js = text;
  if (/\.(c|m)?tsx?$/i.test(fileName) || /\.jsx$/i.test(fileName)) {
    const out = ts.transpileModule(text, {
      fileName,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.React, verbatimModuleSyntax: true },
    });
    const syntax = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error && d.code < 5000);
    if (syntax.length > 0) return ts.flattenDiagnosticMessageText(syntax[0].messageText, '\n');
    js = out.outputText;
  }
  const module = /^\s*(import|export)\b/m.test(js);
  try {
    acorn.parse(js, {
      ecmaVersion: 'latest',
      sourceType: module ? 'module' : 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      allowAwaitOutsideFunction: true,
    });
  } catch (err) {
    return err.message;
  }
  return undefined;
}

/** Where an offset of the original text lands after the edits (edits sorted, not overlapping). */
function mapper(edits) {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  return (offset) => {
    let delta = 0;
    for (const e of sorted) {
      if (e.span.end <= offset && !(e.span.start === e.span.end && e.span.start === offset)) delta += e.newText.length - (e.span.end - e.span.start);
      else if (e.span.start < offset) return undefined; // inside an edited range
    }
    return offset + delta;
  };
}

function applyEdits(text, edits) {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** A call wrapped in itself — `Number(Number(x))`, `String(String(x))` — in the fix's new text. */
const DOUBLE_WRAP = /\b([A-Za-z_$][\w$.]*)\(\s*\1\(/;

/**
 * Checks one fix offered for `finding` in `text`; returns the list of problems (empty when the
 * property holds).
 */
function checkFix({ text, fileName, before, finding, fix }) {
  const problems = [];
  const say = (m) => problems.push(`${fix.title}: ${m}`);
  const edits = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    if (!(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= text.length)) say(`edit ${JSON.stringify(e.span)} lies outside the file`);
    if (i > 0 && edits[i - 1].span.end > e.span.start) say('edits overlap');
  }
  if (problems.length > 0) return { problems };
  const fixed = applyEdits(text, edits);
  for (const e of edits) {
    const around = fixed.slice(Math.max(0, e.span.start - 40), e.span.start + e.newText.length + 40);
    const m = DOUBLE_WRAP.exec(e.newText) ?? (e.newText ? DOUBLE_WRAP.exec(around) : null);
    if (m && !DOUBLE_WRAP.test(text.slice(Math.max(0, e.span.start - 40), e.span.end + 40))) say(`untidy output: ${m[0]}…`);
  }
  const broken = loadError(fixed, fileName);
  if (broken) {
    say(`the fixed file does not load: ${broken}`);
    return { problems, fixed };
  }
  const after = analyze(fixed, fileName);
  if (after.errors.some((e) => e.kind === 'syntax')) say(`the fixed file no longer parses: ${after.errors[0].message}`);
  const map = mapper(edits);
  const key = (f, start) => `${f.ruleId}@${start}`;
  const afterKeys = new Map(after.findings.map((f) => [key(f, f.span.start), f]));
  // The finding the fix was offered for is gone: nothing of its rule starts where it started (or
  // inside the edited text, which is where its start lands when the fix rewrote it).
  const written = [];
  let shift = 0;
  for (const e of edits) {
    written.push({ start: e.span.start + shift, end: e.span.start + shift + e.newText.length });
    shift += e.newText.length - (e.span.end - e.span.start);
  }
  const touched = (f) => written.some((w) => f.span.start >= w.start && f.span.start <= w.end);
  const at = map(finding.span.start);
  const stays = after.findings.find((f) => f.ruleId === finding.ruleId && (at !== undefined ? f.span.start === at : touched(f)) && f.message === finding.message);
  if (stays) say(`the finding is still reported: ${stays.message}`);
  // Nothing new: every finding after the fix was there before (at its mapped place).
  const beforeKeys = new Set();
  for (const f of before) {
    const m = map(f.span.start);
    if (m !== undefined) beforeKeys.add(key(f, m));
  }
  for (const [k, f] of afterKeys) {
    if (beforeKeys.has(k)) continue;
    // A finding inside rewritten text is allowed only where the same rule already reported the
    // code that edit replaced (another sink of the same statement); inserted code brings none.
    const i = written.findIndex((w) => f.span.start >= w.start && f.span.start <= w.end);
    if (i >= 0 && before.some((g) => g.ruleId === f.ruleId && g.span.start >= edits[i].span.start && g.span.start < edits[i].span.end)) continue;
    say(`a new finding appears: ${f.ruleId} ${f.message}`);
  }
  return { problems, fixed };
}

/**
 * Applies every fix of every finding of every file, one at a time. Returns
 * { files, findings, fixes, failures: [{ file, ruleId, title, problems }] }.
 */
function checkFiles(files, { root = process.cwd() } = {}) {
  const summary = { files: 0, findings: 0, fixes: 0, byRule: {}, failures: [] };
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const fileName = path.basename(file);
    const { findings, errors } = analyze(text, fileName);
    if (errors.some((e) => e.kind !== 'syntax' && e.kind !== 'limit' && e.kind !== 'unsupported')) {
      summary.failures.push({ file: path.relative(root, file), ruleId: '-', title: 'analysis', problems: errors.map((e) => e.message) });
    }
    summary.files++;
    // A file that does not load before any fix says nothing about the fixes.
    if (loadError(text, fileName)) continue;
    for (const finding of findings) {
      summary.findings++;
      for (const fix of finding.fixes ?? []) {
        summary.fixes++;
        summary.byRule[finding.ruleId] = (summary.byRule[finding.ruleId] ?? 0) + 1;
        const { problems } = checkFix({ text, fileName, before: findings, finding, fix });
        if (problems.length > 0) summary.failures.push({ file: path.relative(root, file), line: lineOf(text, finding.span.start), ruleId: finding.ruleId, title: fix.title, problems });
      }
    }
  }
  return summary;
}

function lineOf(text, offset) {
  return text.slice(0, offset).split('\n').length;
}

module.exports = { sourceFiles, checkFiles, checkFix, loadError, applyEdits };
