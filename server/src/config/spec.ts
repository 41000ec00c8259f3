// Building blocks of the settings schema: one typed spec per setting, with its default, its
// description and the parser that decides whether a value the user sent is usable.
import type { RuleLevel } from '../core/types';

/** What a parser makes of a raw value: a value to use, and what was wrong (entries it dropped). */
export interface Parsed<T> {
  /** Undefined means "unusable": the default is used instead and the caller reports it. */
  value?: T;
  /** Sentences about the value, e.g. 'expected an integer ≥ 1, got "four"'. */
  issues: string[];
}

/** One setting. `T` is the type the rest of the program sees once the value is validated. */
export interface SettingSpec<T> {
  readonly kind: 'setting';
  /** Short type label for docs and messages, e.g. "integer ≥ 0" or "string[]". */
  readonly type: string;
  /** The default, or a function for defaults that depend on the machine (pool size). */
  readonly default: T | (() => T);
  /** How the default reads in docs when it is computed, e.g. "CPU cores − 1, at least 1". */
  readonly defaultLabel?: string;
  readonly description: string;
  parse(raw: unknown): Parsed<T>;
}

/** A group of settings (or nested groups), e.g. `pool` or a colleague's `ollama`. */
export interface SchemaGroup {
  readonly [key: string]: SettingSpec<unknown> | SchemaGroup;
}

/** The validated settings object a schema describes. */
export type SettingsOf<S> = {
  readonly [K in keyof S]: S[K] extends SettingSpec<infer T> ? T : SettingsOf<S[K]>;
};

export function isSpec(node: SettingSpec<unknown> | SchemaGroup): node is SettingSpec<unknown> {
  return (node as SettingSpec<unknown>).kind === 'setting';
}

export function defaultOf<T>(spec: SettingSpec<T>): T {
  return typeof spec.default === 'function' ? (spec.default as () => T)() : spec.default;
}

/** Renders a value the way a user would type it in JSON, for messages and docs. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

interface Common<T> {
  default: T | (() => T);
  defaultLabel?: string;
  description: string;
}

function spec<T>(type: string, common: Common<T>, parse: (raw: unknown) => Parsed<T>): SettingSpec<T> {
  return { kind: 'setting', type, ...common, parse };
}

const bad = (expected: string, raw: unknown): Parsed<never> => ({ issues: [`expected ${expected}, got ${show(raw)}`] });

export function integer(o: Common<number> & { min?: number; max?: number }): SettingSpec<number> {
  const range = [o.min !== undefined ? `≥ ${o.min}` : '', o.max !== undefined ? `≤ ${o.max}` : ''].filter(Boolean).join(' and ');
  const type = range ? `integer ${range}` : 'integer';
  return spec(type, o, (raw) => {
    const ok = typeof raw === 'number' && Number.isInteger(raw) && (o.min === undefined || raw >= o.min) && (o.max === undefined || raw <= o.max);
    return ok ? { value: raw, issues: [] } : bad(`an ${type}`, raw);
  });
}

export function boolean(o: Common<boolean>): SettingSpec<boolean> {
  return spec('boolean', o, (raw) => (typeof raw === 'boolean' ? { value: raw, issues: [] } : bad('true or false', raw)));
}

export function string(o: Common<string> & { pattern?: RegExp; patternLabel?: string }): SettingSpec<string> {
  return spec('string', o, (raw) => {
    if (typeof raw !== 'string') return bad('a string', raw);
    if (o.pattern && !o.pattern.test(raw)) return bad(o.patternLabel ?? `a string matching ${o.pattern}`, raw);
    return { value: raw, issues: [] };
  });
}

export function oneOf<const V extends string>(values: readonly V[], o: Common<V>): SettingSpec<V> {
  const label = values.map((v) => `"${v}"`).join(' | ');
  return spec(label, o, (raw) =>
    typeof raw === 'string' && (values as readonly string[]).includes(raw) ? { value: raw as V, issues: [] } : bad(`one of ${label}`, raw),
  );
}

export function stringArray(o: Common<string[]>): SettingSpec<string[]> {
  return spec('string[]', o, (raw) => {
    if (!Array.isArray(raw)) return bad('an array of strings', raw);
    const value = raw.filter((item): item is string => typeof item === 'string');
    const issues = raw.filter((item) => typeof item !== 'string').map((item) => `ignored non-string entry ${show(item)}`);
    return { value, issues };
  });
}

export const RULE_LEVELS: readonly RuleLevel[] = ['error', 'warning', 'information', 'hint', 'off'];

/** A map from rule id to level; bad entries are dropped one by one, the rest still apply. */
export function ruleLevels(o: Common<Record<string, RuleLevel>>): SettingSpec<Record<string, RuleLevel>> {
  const label = RULE_LEVELS.map((v) => `"${v}"`).join(' | ');
  return spec(`object: rule id → ${label}`, o, (raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('an object mapping rule ids to levels', raw);
    const value: Record<string, RuleLevel> = {};
    const issues: string[] = [];
    for (const [id, level] of Object.entries(raw)) {
      if (typeof level === 'string' && (RULE_LEVELS as readonly string[]).includes(level)) value[id] = level as RuleLevel;
      else issues.push(`rule "${id}": expected one of ${label}, got ${show(level)}; using the rule's default severity`);
    }
    return { value, issues };
  });
}
