// `orbit-ls orbit <file> --function <name> [-k N] [--seed S] [--delta-min D] [--transforms a,b] [--json]`:
// prints the semantic orbit of one function, the variants a model is shown, and the transforms behind each.
// Exit codes: 0 variants printed, 1 no variant could be built, 2 usage error (no such file or function).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildOrbit, TRANSFORMS, type OrbitResult } from '../core/orbit/index';
import { findUnits, type FunctionUnit } from '../core/source/units';
import { transpileText } from '../core/source/transpile';
import { languageFromFileName, SOURCE_EXTENSIONS } from '../core/types';
import { processIO, UsageError, type CliIO } from './io';

export const ORBIT_HELP = `orbit-ls orbit <file> --function <name> [options]

Prints the semantic orbit of one function: rewrites with the same behaviour and different text,
which orbit-ls asks a model to trace so that inconsistent stories reveal hidden behaviour.

  -f, --function NAME   the function (or method) to rewrite; required
  -k N                  number of variants (default 8)
  --seed S              seed of the rewrite choices; the same seed gives the same orbit (default 1)
  --delta-min D         minimum edit distance from the original, as a fraction of its length (default 0.05)
  --transforms A,B      only these transforms (default all): ${TRANSFORMS.map((t) => t.id).join(', ')}
  --json                machine-readable output
  -h, --help            this text

Exit codes: 0 variants printed; 1 no variant could be built; 2 usage error (a missing file or
function, a bad option).
`;

export async function runOrbitCommand(args: string[], io: CliIO = processIO()): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      function: { type: 'string', short: 'f' },
      k: { type: 'string', short: 'k', default: '8' },
      seed: { type: 'string', default: '1' },
      'delta-min': { type: 'string', default: '0.05' },
      transforms: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(ORBIT_HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give exactly one file: orbit-ls orbit <file> --function <name>');
  if (!values.function) throw new UsageError('--function is required: name the function to rewrite');
  const k = integer(values.k, '-k', 1, 100);
  const seed = integer(values.seed, '--seed', 0, 2 ** 32 - 1);
  const deltaMin = Number(values['delta-min']);
  if (!(deltaMin >= 0 && deltaMin < 1)) throw new UsageError(`--delta-min must be a number in [0, 1), got "${values['delta-min']}"`);
  const transforms = values.transforms?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = transforms?.filter((id) => !TRANSFORMS.some((t) => t.id === id)) ?? [];
  if (unknown.length > 0) throw new UsageError(`unknown transform ${unknown.join(', ')}; known: ${TRANSFORMS.map((t) => t.id).join(', ')}`);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!languageFromFileName(file)) throw new UsageError(`${file} is not a source file orbit-ls reads (${SOURCE_EXTENSIONS.join(' ')})`);
  const { units } = findUnits(file, text);
  const unit = units.find((u) => u.name === values.function);
  if (!unit) {
    const names = [...new Set(units.map((u) => u.name))].slice(0, 20);
    throw new UsageError(`no function named "${values.function}" in ${file}${names.length ? `; functions there: ${names.join(', ')}` : ''}`);
  }
  const source = unitSource(file, text, unit);
  const orbit = buildOrbit(source, { k, seed, deltaMin, transforms });
  if (values.json) io.out(`${JSON.stringify({ file, unit: { name: unit.name, line: unit.line, kind: unit.kind }, ...orbit }, null, 2)}\n`);
  else io.out(render(file, unit, orbit, { k, deltaMin }));
  for (const e of orbit.errors) io.err(`orbit-ls: ${e}\n`);
  return orbit.variants.length > 0 ? 0 : 1;
}

function integer(raw: string | undefined, flag: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** The unit as plain JavaScript: TypeScript is transpiled, and a method is wrapped in a class
 *  so it parses on its own. */
function unitSource(file: string, text: string, unit: FunctionUnit): string {
  let source = text.slice(unit.span.start, unit.span.end);
  const member = unit.kind === 'method' || unit.kind === 'getter' || unit.kind === 'setter' || unit.kind === 'constructor';
  if (member) source = `class Unit {\n${source}\n}`;
  if (/\.(c|m)?tsx?$/i.test(file)) source = transpileText(source, file).code.replace(/^\s*\n/, '').trimEnd();
  return source;
}

function render(file: string, unit: FunctionUnit, orbit: OrbitResult, opts: { k: number; deltaMin: number }): string {
  const out: string[] = [];
  out.push(`Orbit of ${unit.name} (${file}:${unit.line}): ${orbit.variants.length} of ${opts.k} variants, ` +
    `each at least ${orbit.minDistance} edits from the original (δmin ${opts.deltaMin}).`);
  for (const v of orbit.variants) {
    const renames = Object.entries(v.renames).map(([to, from]) => `${from} → ${to}`);
    out.push('', `── variant ${v.index} · ${v.transforms.join(', ')} · distance ${v.distance}${renames.length ? ` · renamed ${renames.join(', ')}` : ''}`);
    out.push(v.code);
  }
  const declined = Object.entries(orbit.declined).sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} (${n})`);
  if (declined.length) out.push('', `Declined (no site met the preconditions): ${declined.join(', ')}.`);
  if (orbit.rejected.tooClose || orbit.rejected.duplicate) {
    out.push(`Dropped candidates: ${orbit.rejected.tooClose} too close to the original, ${orbit.rejected.duplicate} duplicates.`);
  }
  return `${out.join('\n')}\n`;
}
