// Turns what a client or a config file sent into Settings: layered, validated, never throwing.
// A wrong value falls back to its default and becomes a problem that names the key and the fallback.
import type { StaticOptions } from '../core/types';
import { schema, SECTION, type Settings } from './schema';
import { defaultOf, isSpec, show, type SchemaGroup, type SettingSpec } from './spec';

export interface ConfigProblem {
  /** Full dotted key, e.g. "orbit.pool.size". */
  key: string;
  /** A sentence naming the key, what was wrong and what is used instead. */
  message: string;
}

export interface ResolvedSettings {
  settings: Settings;
  problems: ConfigProblem[];
}

/**
 * Validates layered raw settings (later layers win key by key), e.g.
 * `resolveSettings(initializationOptions, workspaceConfigurationAnswer)`.
 * null or undefined layers count as empty: eglot answers workspace/configuration with null. So
 * does an empty array, which is how Neovim encodes an empty Lua table (`settings = { orbit = {} }`).
 */
export function resolveSettings(...layers: unknown[]): ResolvedSettings {
  const problems: ConfigProblem[] = [];
  const usable = layers.filter((layer, i) => {
    if (isEmpty(layer)) return false;
    if (isPlainObject(layer)) return true;
    problems.push({ key: SECTION, message: `${SECTION}: expected an object of settings, got ${show(layer)} (source ${i + 1}); ignoring it` });
    return false;
  });
  const merged = usable.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer as Record<string, unknown>), {});
  const settings = validateGroup(schema, merged, SECTION, problems) as Settings;
  return { settings, problems };
}

/** The defaults alone, as the server uses them before any configuration arrives. */
export function defaultSettings(): Settings {
  return resolveSettings().settings;
}

/** The part of the settings the static pass needs, passed explicitly into core. */
export function staticOptionsFrom(settings: Settings): StaticOptions {
  return { rules: { ...settings.rules }, extraSources: [...settings.extraSources], maxFileSize: settings.maxFileSize };
}

function validateGroup(group: SchemaGroup, raw: Record<string, unknown>, prefix: string, problems: ConfigProblem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(group)) {
    const key = `${prefix}.${name}`;
    const value = raw[name];
    if (isSpec(node)) {
      out[name] = validateSetting(node, value, key, problems);
    } else if (isEmpty(value) || isPlainObject(value)) {
      out[name] = validateGroup(node, isPlainObject(value) ? value : {}, key, problems);
    } else {
      problems.push({ key, message: `${key}: expected an object, got ${show(value)}; using the defaults of ${key}.*` });
      out[name] = validateGroup(node, {}, key, problems);
    }
  }
  for (const name of Object.keys(raw)) {
    if (!(name in group)) problems.push({ key: `${prefix}.${name}`, message: `${prefix}.${name} is not a setting of orbit-ls; ignoring it (see docs/configuration.md)` });
  }
  return out;
}

function validateSetting(spec: SettingSpec<unknown>, raw: unknown, key: string, problems: ConfigProblem[]): unknown {
  if (raw === undefined || raw === null) return defaultOf(spec);
  // An empty Lua table arrives as [] where an object (orbit.rules) was meant: nothing is set.
  if (Array.isArray(raw) && raw.length === 0 && !Array.isArray(defaultOf(spec))) return defaultOf(spec);
  const parsed = spec.parse(raw);
  if (parsed.value === undefined) {
    const fallback = defaultOf(spec);
    for (const issue of parsed.issues) problems.push({ key, message: `${key}: ${issue}; using the default ${show(fallback)}` });
    return fallback;
  }
  for (const issue of parsed.issues) problems.push({ key, message: `${key}: ${issue}` });
  return parsed.value;
}

/** Nothing configured: null, undefined, or an empty array standing for an empty object. */
function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    // An empty array is an empty Lua table: it adds nothing to a group an earlier layer set.
    if (isPlainObject(b) && Array.isArray(v) && v.length === 0) continue;
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}
