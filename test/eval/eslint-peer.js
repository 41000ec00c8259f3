// orbit-ls against its peer, ESLint 9 with eslint-plugin-security and @microsoft/eslint-plugin-sdl
// (recommended configs), on the same fixture corpus: precision and recall per CWE both tools cover,
// wall time and peak memory, then throughput on a scaled corpus of 1,000 files.
//
//   node test/eval/eslint-peer.js            (build first: npx tsc -p server/tsconfig.json)
//   node test/eval/eslint-peer.js --files 2000
//   node test/eval/eslint-peer.js --markdown   (also prints the tables for docs/rules.md)
//   node test/eval/eslint-peer.js --write-docs (saves results/eslint-peer.json and renders both docs from it)
//
// Each tool runs in its own child process, measured by /usr/bin/time -v when present (peak RSS of
// the whole process tree) or else by process.resourceUsage().maxRSS in the child. orbit-ls runs as
// users run it (`orbit-ls check --format json`, worker pool included); ESLint runs through its
// Node API with a programmatic flat config.
//
// How ESLint rule ids map to CWEs (rules not listed have no CWE that orbit-ls also covers: timing
// attacks, bidi characters, deprecated APIs, insecure URLs, Buffer.allocUnsafe, browser-only rules):
//   security/detect-child-process                      CWE-78  OS command injection
//   security/detect-non-literal-fs-filename            CWE-22  path traversal
//   security/detect-eval-with-expression               CWE-94  code injection
//   security/detect-non-literal-require                CWE-94
//   no-eval, no-implied-eval, no-new-func (sdl)        CWE-94
//   security/detect-non-literal-regexp                 CWE-1333 regex built from input (regex-injection)
//   security/detect-unsafe-regex                       CWE-400 catastrophic regex (resource-exhaustion)
//   security/detect-pseudoRandomBytes                  CWE-338 weak randomness
//   @microsoft/sdl/no-insecure-random                  CWE-338 (not in sdl's recommended set; enabled here)
//   security/detect-object-injection                   CWE-1321 object injection / prototype pollution
//   security/detect-no-csrf-before-method-override     CWE-352 CSRF
//   security/detect-disable-mustache-escape            CWE-79  XSS
//   @microsoft/sdl/no-inner-html, no-document-write, no-html-method   CWE-79
// orbit-ls findings count under their rule's primary CWE; expectations likewise.
//
// Only what both tools claim is compared. Where the peer's rules cover part of a class, labels and
// findings are scored only on lines of that part (PEER_CLAIMS below): CWE-400 only on lines with a
// regex (detect-unsafe-regex), CWE-79 only on DOM and template sinks (innerHTML, document.write,
// jQuery .html(), disabled mustache escaping), CWE-352 only where method-override is registered.
// Everything else is reported as "classes only orbit-ls covers", with orbit-ls's figures alone.
const PEER_CLAIMS = {
  'CWE-400': /\/[^/\n]+\/[a-z]*|RegExp\(/,
  'CWE-79': /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.html\(|escapeMarkup/,
  'CWE-352': /methodOverride|method-override/,
};
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'security');

const ESLINT_CWE = {
  'security/detect-child-process': 'CWE-78',
  'security/detect-non-literal-fs-filename': 'CWE-22',
  'security/detect-eval-with-expression': 'CWE-94',
  'security/detect-non-literal-require': 'CWE-94',
  'no-eval': 'CWE-94',
  'no-implied-eval': 'CWE-94',
  'no-new-func': 'CWE-94',
  'security/detect-non-literal-regexp': 'CWE-1333',
  'security/detect-unsafe-regex': 'CWE-400',
  'security/detect-pseudoRandomBytes': 'CWE-338',
  '@microsoft/sdl/no-insecure-random': 'CWE-338',
  'security/detect-object-injection': 'CWE-1321',
  'security/detect-no-csrf-before-method-override': 'CWE-352',
  'security/detect-disable-mustache-escape': 'CWE-79',
  '@microsoft/sdl/no-inner-html': 'CWE-79',
  '@microsoft/sdl/no-document-write': 'CWE-79',
  '@microsoft/sdl/no-html-method': 'CWE-79',
};

// ---- child: one tool over one directory, findings as JSON on stdout -------------------------

function withoutPlugin(name) {
  return (config) => {
    if (!config.plugins || !(name in config.plugins)) return config;
    const plugins = { ...config.plugins };
    delete plugins[name];
    return { ...config, plugins };
  };
}

/**
 * The plugin with every rule listener wrapped in try/catch. sdl's no-insecure-random throws on
 * `require(nonLiteral)` (path.basename of undefined), and one throwing rule aborts the whole ESLint
 * run; guarded, it only loses that one node.
 */
function guarded(plugin) {
  const rules = {};
  for (const [id, rule] of Object.entries(plugin.rules)) {
    rules[id] = {
      ...rule,
      create(context) {
        const listeners = rule.create(context);
        const safe = {};
        for (const [sel, fn] of Object.entries(listeners)) {
          safe[sel] = (...args) => {
            try {
              return fn(...args);
            } catch {
              return undefined;
            }
          };
        }
        return safe;
      },
    };
  }
  return { ...plugin, rules };
}

async function runEslint(dir) {
  const { ESLint } = require('eslint');
  const security = require('eslint-plugin-security');
  const sdl = require('@microsoft/eslint-plugin-sdl');
  const tsParser = require('@typescript-eslint/parser');
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.{js,jsx,ts,tsx}'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
      { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tsParser } },
      security.configs.recommended,
      // sdl's recommended set brings its own copy of eslint-plugin-security; ESLint refuses two
      // plugins under one name, so its entries use the copy configured above.
      ...sdl.configs.recommended.map(withoutPlugin('security')).map(withoutPlugin('@microsoft/sdl')),
      { plugins: { '@microsoft/sdl': guarded(sdl) }, rules: { '@microsoft/sdl/no-insecure-random': 'error' } },
    ],
  });
  const results = await eslint.lintFiles(['**/*.{js,jsx,ts,tsx}']);
  const findings = [];
  for (const r of results) {
    for (const m of r.messages) {
      if (m.ruleId) findings.push({ file: path.relative(dir, r.filePath), line: m.line, ruleId: m.ruleId });
    }
  }
  return findings;
}

function runOrbit(dir) {
  const bin = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
  const out = spawnSync(process.execPath, [bin, 'check', dir, '--no-cache', '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`orbit-ls check failed: ${out.stderr}`);
  const report = JSON.parse(out.stdout);
  return report.findings.map((f) => ({ file: path.relative(dir, path.resolve(f.file)), line: f.start.line, ruleId: f.ruleId }));
}

async function child(tool, dir) {
  const findings = tool === 'eslint' ? await runEslint(dir) : runOrbit(dir);
  // maxRSS of this process only; /usr/bin/time in the parent sees the whole tree.
  process.stdout.write(JSON.stringify({ findings, maxRssKb: process.resourceUsage().maxRSS }));
}

// ---- parent: measure, score, print ----------------------------------------------------------

const hasTime = fs.existsSync('/usr/bin/time');

function measure(tool, dir) {
  const args = [__filename, '--child', tool, dir];
  const started = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: ROOT })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd: ROOT });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${tool} failed:\n${r.stderr}`);
  const data = JSON.parse(r.stdout);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { findings: data.findings, ms, peakMb: (m ? Number(m[1]) : data.maxRssKb) / 1024 };
}

/** Expected (file, line, CWE) triples from the `// expect:` markers. */
function labels(cweOf) {
  const { expectations } = require('../unit/security/harness');
  const { corpus } = require('./rules');
  const out = new Set();
  for (const { file } of corpus(FIXTURES)) {
    for (const e of expectations(fs.readFileSync(file, 'utf8'))) {
      const cwe = cweOf.get(e.ruleId);
      if (cwe) out.add(`${path.relative(FIXTURES, file)}:${e.line}:${cwe}`);
    }
  }
  return out;
}

const lineCache = new Map();
/** Whether a file:line:CWE key lies in the part of the class the peer claims (`claimed`), or outside it. */
function inPeerClaim(key) {
  const m = /^(.*):(\d+):(CWE-\d+)$/.exec(key);
  const claim = m && PEER_CLAIMS[m[3]];
  if (!claim) return true;
  if (!lineCache.has(m[1])) lineCache.set(m[1], fs.readFileSync(path.join(FIXTURES, m[1]), 'utf8').split('\n'));
  return claim.test(lineCache.get(m[1])[Number(m[2]) - 1] ?? '');
}

/** @param {Set<string>} flagged @param {Set<string>} expected @param {string} cwe @param {(key: string) => boolean} [part] */
function score(flagged, expected, cwe, part = () => true) {
  const mine = [...flagged].filter((k) => k.endsWith(`:${cwe}`) && part(k));
  const want = [...expected].filter((k) => k.endsWith(`:${cwe}`) && part(k));
  const tp = mine.filter((k) => expected.has(k)).length;
  return { tp, fp: mine.length - tp, fn: want.length - tp, precision: mine.length ? tp / mine.length : null, recall: want.length ? tp / want.length : null };
}

/** `n` files copied round-robin from the rule fixtures into a fresh directory (the check bench
 *  uses the same corpus). */
function scaledCorpus(n) {
  const { corpus } = require('./rules');
  const files = corpus(FIXTURES).map((f) => f.file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-peer-'));
  for (let i = 0; i < n; i++) {
    const src = files[i % files.length];
    const dest = path.join(dir, `copy-${Math.floor(i / files.length)}`, path.relative(FIXTURES, src));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
  }
  return dir;
}

/** The two tables of docs/rules.md ("Compared with ESLint's security plugins"), ready to paste. */
function markdown(result, fixtureCount) {
  const p = (x) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  const frac = (s) => (s.fp === 0 ? p(s.precision) : `${p(s.precision)} (${s.tp}/${s.tp + s.fp})`);
  const out = ['| CWE | orbit-ls precision | orbit-ls recall | ESLint precision | ESLint recall |', '| --- | --- | --- | --- | --- |'];
  for (const [cwe, { orbit, eslint }] of Object.entries(result.perCwe)) {
    out.push(`| ${cwe} | ${frac(orbit)} | ${p(orbit.recall)} | ${eslint.tp + eslint.fp === 0 ? '— (no findings)' : frac(eslint)} | ${p(eslint.recall)} |`);
  }
  out.push('', 'Classes only orbit-ls covers (ESLint has no rule for them; orbit-ls alone):', '', '| CWE | orbit-ls precision | orbit-ls recall |', '| --- | --- | --- |');
  for (const [cwe, o] of Object.entries(result.onlyOrbit)) out.push(`| ${cwe} | ${frac(o)} | ${p(o.recall)} (${o.tp}/${o.tp + o.fn}) |`);
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (x) => `${x.toFixed(0)} MB`;
  out.push('', '| Run | orbit-ls wall | orbit-ls peak | ESLint wall | ESLint peak |', '| --- | --- | --- | --- | --- |');
  out.push(`| ${fixtureCount} fixture files | ${s(result.corpus.orbit.ms)} | ${mb(result.corpus.orbit.peakMb)} | ${s(result.corpus.eslint.ms)} | ${mb(result.corpus.eslint.peakMb)} |`);
  out.push(`| ${result.scaled.files.toLocaleString('en')} files | ${s(result.scaled.orbit.ms)} | ${mb(result.scaled.orbit.peakMb)} | ${s(result.scaled.eslint.ms)} | ${mb(result.scaled.eslint.peakMb)} |`);
  return out.join('\n');
}

const pct = (x) => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

async function main() {
  const { allRules } = require('../../server/dist/core/security/registry.js');
  const cweOf = new Map(allRules().map((m) => [m.id, m.cwe[0]]));
  const expected = labels(cweOf);
  // Both tools read a copy outside any fixtures/ or test/ folder: orbit-ls, like any user's
  // setup, treats files there as test data and keeps hardcoded-secret quiet in them.
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-peer-')), 'corpus');
  fs.cpSync(FIXTURES, copy, { recursive: true });
  const orbit = measure('orbit', copy);
  const eslint = measure('eslint', copy);
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  const orbitFlags = new Set(orbit.findings.filter((f) => cweOf.has(f.ruleId)).map((f) => `${f.file}:${f.line}:${cweOf.get(f.ruleId)}`));
  const eslintFlags = new Set(eslint.findings.filter((f) => ESLINT_CWE[f.ruleId]).map((f) => `${f.file}:${f.line}:${ESLINT_CWE[f.ruleId]}`));
  const shared = [...new Set(Object.values(ESLINT_CWE))].filter((c) => [...cweOf.values()].includes(c)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const rows = [['CWE', 'orbit P', 'orbit R', 'ESLint P', 'ESLint R', 'orbit TP/FP/FN', 'ESLint TP/FP/FN']];
  const result = { perCwe: {}, corpus: {}, scaled: {} };
  result.onlyOrbit = {};
  for (const cwe of shared) {
    const o = score(orbitFlags, expected, cwe, inPeerClaim);
    const e = score(eslintFlags, expected, cwe, inPeerClaim);
    // A class the peer claims on no labelled line is not a shared class here.
    if (o.tp + o.fn === 0) continue;
    result.perCwe[cwe] = { orbit: o, eslint: e };
    rows.push([cwe, pct(o.precision), pct(o.recall), pct(e.precision), pct(e.recall), `${o.tp}/${o.fp}/${o.fn}`, `${e.tp}/${e.fp}/${e.fn}`]);
  }
  for (const cwe of [...new Set(cweOf.values())].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))) {
    const rest = score(orbitFlags, expected, cwe, (k) => !shared.includes(cwe) || !inPeerClaim(k));
    if (rest.tp + rest.fn > 0) result.onlyOrbit[`${cwe}${shared.includes(cwe) ? ' (the part ESLint has no rule for)' : ''}`] = rest;
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const n = Number(process.argv[process.argv.indexOf('--files') + 1]) || 1000;
  const fixtureCount = require('./rules').corpus(FIXTURES).length;
  lines.push('', `Corpus (${fixtureCount} files): orbit-ls ${orbit.ms.toFixed(0)} ms, ${orbit.peakMb.toFixed(0)} MB peak; ESLint ${eslint.ms.toFixed(0)} ms, ${eslint.peakMb.toFixed(0)} MB peak`);
  result.corpus = { orbit: { ms: orbit.ms, peakMb: orbit.peakMb }, eslint: { ms: eslint.ms, peakMb: eslint.peakMb } };
  const dir = scaledCorpus(n);
  try {
    const o = measure('orbit', dir);
    const e = measure('eslint', dir);
    result.scaled = { files: n, orbit: { ms: o.ms, peakMb: o.peakMb }, eslint: { ms: e.ms, peakMb: e.peakMb } };
    lines.push(`Scaled (${n} files): orbit-ls ${o.ms.toFixed(0)} ms, ${o.peakMb.toFixed(0)} MB peak; ESLint ${e.ms.toFixed(0)} ms, ${e.peakMb.toFixed(0)} MB peak`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  lines.push(`(${hasTime ? 'peak RSS of the process tree from /usr/bin/time -v' : 'peak RSS of the child process'}; wall time includes Node start-up; ${os.cpus().length} CPUs)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (process.argv.includes('--markdown')) process.stdout.write(`\n${markdown(result, fixtureCount)}\n`);
  if (process.argv.includes('--write-docs')) {
    // The figures the docs show come from this run only: saved, then rendered into both docs.
    const { RESULTS, writeDocs } = require('./peer-docs');
    const machine = `${os.cpus().length} shared vCPUs (a loaded machine), Node.js ${process.version}`;
    const saved = { date: new Date().toISOString().slice(0, 10), machine, fixtureCount, ...result };
    fs.writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
    writeDocs(saved);
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
} else if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { ESLINT_CWE, scaledCorpus };
