// `npm run eval:real`: orbit-ls on real code. Runs `orbit-ls check` over each repository of
// test/eval/real-corpus.json, checked out at its pinned commit under $ORBIT_REAL_CORPUS, and prints
// documented-vulnerability recall on the vulnerable apps, precision on the ordinary backends (from
// the manifest's triage of every finding) and per-rule precision. Findings nobody has triaged count
// as not true and are listed, so a new false positive cannot raise the figures unseen.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'real-corpus.json'), 'utf8'));
const TEST_FILE = /(^|\/)(tests?|__tests__|fixtures?|__mocks__)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

function dirOf(corpus, repo) {
  return path.join(corpus, repo.replace('/', '+'));
}

function main() {
  const corpus = process.env.ORBIT_REAL_CORPUS;
  if (!corpus) {
    console.error('ORBIT_REAL_CORPUS is not set: point it at a directory holding the corpus checkouts, for example');
    printHowTo('/work/corpus');
    process.exit(2);
  }
  const missing = manifest.repositories.filter((r) => !commitMatches(dirOf(corpus, r.repo), r.commit));
  if (missing.length > 0) {
    console.error(`${missing.length} of ${manifest.repositories.length} corpus repositories are missing or at another commit under ${corpus}:`);
    printHowTo(corpus, missing);
    if (missing.length === manifest.repositories.length) process.exit(2);
    console.error('Measuring the rest.\n');
  }
  // `--only owner/name,owner/name` measures a subset (for example the backends added since a figure was taken).
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 && process.argv[onlyAt + 1] ? new Set(process.argv[onlyAt + 1].split(',')) : undefined;
  const unknown = only ? [...only].filter((name) => !manifest.repositories.some((r) => r.repo === name)) : [];
  if (unknown.length > 0) {
    console.error(`--only names repositories the manifest does not list: ${unknown.join(', ')}`);
    process.exit(2);
  }
  const present = manifest.repositories.filter((r) => !missing.includes(r) && (!only || only.has(r.repo)));
  const window = manifest.window ?? 3;
  const vuln = { found: 0, total: 0, inFound: 0, inTotal: 0, rows: [] };
  const prec = { true: 0, false: 0, debatable: 0, untriaged: 0, byRule: new Map(), byRepo: new Map(), untriagedRows: [] };
  const absentViolations = [];
  for (const r of present) {
    const findings = runCheck(dirOf(corpus, r.repo));
    if (r.kind === 'vulnerable') {
      for (const v of r.vulnerabilities) {
        const hit = findings.find((f) => matches(f, v, window));
        const inScope = v.scope !== 'out';
        vuln.total++;
        if (inScope) vuln.inTotal++;
        if (hit) {
          vuln.found++;
          if (inScope) vuln.inFound++;
        }
        vuln.rows.push({ repo: r.repo, v, hit });
      }
      for (const a of r.absent ?? []) {
        for (const f of findings) if (f.file === a.file && f.ruleId === a.rule) absentViolations.push(`${r.repo} ${f.file}:${f.start.line} ${f.ruleId} (${a.truth})`);
      }
    } else {
      if (!prec.byRepo.has(r.repo)) prec.byRepo.set(r.repo, { true: 0, false: 0, debatable: 0, untriaged: 0 });
      for (const f of findings) {
        const t = triageOf(r, f);
        const verdict = t ? t.verdict : 'untriaged';
        prec[verdict]++;
        const repoRow = prec.byRepo.get(r.repo) ?? { true: 0, false: 0, debatable: 0, untriaged: 0 };
        repoRow[verdict]++;
        prec.byRepo.set(r.repo, repoRow);
        const row = prec.byRule.get(f.ruleId) ?? { true: 0, false: 0, debatable: 0, untriaged: 0 };
        row[verdict]++;
        prec.byRule.set(f.ruleId, row);
        if (!t) prec.untriagedRows.push(`${r.repo} ${f.file}:${f.start.line} ${f.ruleId}: ${f.message.slice(0, 120)}`);
      }
    }
  }
  report(vuln, prec, absentViolations);
}

function commitMatches(dir, commit) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === commit;
  } catch {
    return false;
  }
}

function printHowTo(corpus, repos = manifest.repositories) {
  for (const r of repos) {
    const d = dirOf(corpus, r.repo);
    console.error(`  git clone https://github.com/${r.repo} ${d} && git -C ${d} checkout ${r.commit}`);
  }
}

function runCheck(dir) {
  let out;
  try {
    out = execFileSync(process.execPath, [BIN, 'check', '--format', 'json', '--fail-on', 'never', '.'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (err) {
    out = err.stdout ?? '{"findings":[]}';
  }
  return JSON.parse(out).findings;
}

function matches(f, v, window) {
  if (!f.cwe.some((c) => v.cwe.includes(c))) return false;
  const places = [{ file: v.file, line: v.line, lines: v.lines }, ...(v.alternatives ?? [])];
  return places.some((p) => {
    if (f.file !== p.file) return false;
    const [lo, hi] = p.lines ?? [p.line - window, p.line + window];
    return f.start.line <= hi && f.end.line >= lo;
  });
}

function triageOf(repo, f) {
  const t = repo.triage.find((x) => x.file === f.file && x.rule === f.ruleId && x.line === f.start.line);
  if (t) return t;
  const blanket = manifest.testFileTriage;
  if (blanket && f.ruleId === blanket.rule && TEST_FILE.test(f.file)) return blanket;
  return undefined;
}

function pct(a, b) {
  return b === 0 ? 'n/a' : (a / b).toFixed(2);
}

function report(vuln, prec, absentViolations) {
  console.log('Documented vulnerabilities (vulnerable apps)');
  for (const { repo, v, hit } of vuln.rows) {
    const mark = hit ? 'found ' : v.scope === 'out' ? 'out   ' : 'missed';
    console.log(`  ${mark} ${repo} ${v.file}:${v.line} ${v.cwe[0]}${hit ? `  <- ${hit.ruleId}` : ''}`);
  }
  const repos = [...new Set(vuln.rows.map((x) => x.repo))];
  console.log('\nPer vulnerable app (in scope):');
  for (const repo of repos) {
    const rows = vuln.rows.filter((x) => x.repo === repo && x.v.scope !== 'out');
    const found = rows.filter((x) => x.hit).length;
    console.log(`  ${repo.padEnd(40)} ${found}/${rows.length} = ${pct(found, rows.length)}`);
  }
  console.log(`\nrecall, all documented: ${vuln.found}/${vuln.total} = ${pct(vuln.found, vuln.total)}`);
  console.log(`recall, in scope:       ${vuln.inFound}/${vuln.inTotal} = ${pct(vuln.inFound, vuln.inTotal)}`);
  if (absentViolations.length > 0) {
    console.log('\nDocumented non-findings reported anyway:');
    for (const a of absentViolations) console.log(`  ${a}`);
  }
  const all = prec.true + prec.false + prec.debatable + prec.untriaged;
  console.log(`\nPrecision on ordinary backends: ${prec.true} true, ${prec.false} false, ${prec.debatable} debatable, ${prec.untriaged} untriaged of ${all} = ${pct(prec.true, all)} (strict), ${pct(prec.true + prec.debatable, all)} (debatable counted true)`);
  console.log('\nPer ordinary backend (true/false/debatable/untriaged):');
  for (const [repo, r] of prec.byRepo) {
    const n = r.true + r.false + r.debatable + r.untriaged;
    console.log(`  ${repo.padEnd(48)} ${r.true}/${r.false}/${r.debatable}/${r.untriaged}  ${pct(r.true, n)}`);
  }
  console.log('\nPer rule on ordinary backends (true/false/debatable/untriaged, strict precision):');
  for (const [rule, r] of [...prec.byRule].sort()) {
    const n = r.true + r.false + r.debatable + r.untriaged;
    console.log(`  ${rule.padEnd(28)} ${r.true}/${r.false}/${r.debatable}/${r.untriaged}  ${pct(r.true, n)}`);
  }
  if (prec.untriagedRows.length > 0) {
    console.log('\nUntriaged findings (read the code and add a verdict to test/eval/real-corpus.json):');
    for (const u of prec.untriagedRows) console.log(`  ${u}`);
  }
}

main();
