// Short descriptions of effects and disagreements for diagnostics: hosts rather than whole URLs,
// environment reads counted rather than listed, the most alarming effect first.
import type { Effect } from '../trace/schema';
import type { Disagreement } from '../trace/verdict';

const ORDER = ['network', 'process', 'eval', 'fs-write', 'env'];

/** "an https request to collect.example.net/u?d=… and reads of 15 environment variables (NODE_ENV, PORT, …)". */
export function describeEffects(effects: ReadonlyArray<Pick<Effect, 'kind' | 'target'>>): string {
  const sorted = [...effects].sort((a, b) => rank(a.kind) - rank(b.kind));
  const env = sorted.filter((e) => e.kind === 'env');
  const rest = sorted.filter((e) => e.kind !== 'env').slice(0, 2).map(describeOne);
  if (env.length === 1) rest.push(`a read of the environment variable ${env[0].target}`);
  else if (env.length > 1) {
    const names = env.map((e) => e.target).filter((t) => t !== '*');
    rest.push(`reads of ${env.length} environment variables (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`);
  }
  return rest.join(' and ');
}

export function describeOne(e: Pick<Effect, 'kind' | 'target'>): string {
  const target = short(e.target, 50);
  switch (e.kind) {
    case 'network': {
      const scheme = /^([a-z]+):\/\//i.exec(e.target)?.[1]?.toLowerCase();
      return `${scheme ? `an ${scheme}` : 'a network'} request to ${target.replace(/^[a-z]+:\/\//i, '')}`;
    }
    case 'process':
      return `running \`${target}\``;
    case 'fs-write':
      return `a write to ${target}`;
    case 'eval':
      return `evaluating code (${target})`;
    case 'env':
      return `a read of the environment variable ${target}`;
    default:
      return `a ${e.kind} effect on ${target}`;
  }
}

/** Disagreements over effects of one input, grouped by who said what, as one sentence. */
export function describeDisagreements(ds: readonly Disagreement[], transforms: Record<number, string[]>): string {
  if (ds.length === 0) return '';
  const first = ds[0];
  const group = ds.filter((d) => d.kind === first.kind && d.input === first.input && same(d.present, first.present));
  const on = ` on input ${first.input + 1}`;
  const named = [...first.present, ...first.absent].filter((i) => i > 0 && transforms[i]).slice(0, 2);
  const how = named.length ? ` (${named.map((i) => `variant ${i}: ${transforms[i].join(', ')}`).join('; ')})` : '';
  if (first.kind === 'output') return `${cap(names(first.absent))} predict a different result${on} than ${names(first.present)}${how}.`;
  const effects = group.map((d) => {
    const [kind, ...target] = d.subject.split(' ');
    return { kind: kind as Effect['kind'], target: d.target ?? target.join(' ') };
  });
  return `${cap(names(first.present))} predict${first.present.length === 1 ? 's' : ''} ${describeEffects(effects)}${on} that ${names(first.absent)} omit${first.absent.length === 1 ? 's' : ''}${how}.`;
}

/** "the original", "variant 2", "variants 2 and 5", "the original and variants 1, 3 and 4". */
export function names(ids: readonly number[]): string {
  const vs = ids.filter((i) => i !== 0);
  const parts: string[] = [];
  if (ids.includes(0)) parts.push('the original');
  if (vs.length === 1) parts.push(`variant ${vs[0]}`);
  else if (vs.length > 1) parts.push(`variants ${vs.slice(0, -1).join(', ')} and ${vs[vs.length - 1]}`);
  return parts.join(' and ');
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
}

function short(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
