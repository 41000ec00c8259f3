// What a configuration turns off or down: rules set to "off" or below their default severity, and
// the sandbox pass disabled. Settings can come from files a repository ships (.dir-locals.el,
// .helix/languages.toml, a --config file in the repository), so the server and `check` say so
// out loud instead of going quiet.
import { ruleMetadata } from './rule-metadata';
import type { RuleLevel } from '../core/types';
import type { Settings } from '../config/schema';

export interface SilencedCheck {
  /** The setting, e.g. `orbit.rules["sql-injection"]`; one entry per setting. */
  key: string;
  /** A sentence: the setting, its value, where it came from when known, and what it silences. */
  message: string;
}

/** One layer of raw settings (the "orbit" object) and where it came from, e.g. "initializationOptions". */
export interface SettingsSource {
  label: string;
  raw: unknown;
}

const RANK: Record<RuleLevel, number> = { off: 0, hint: 1, information: 2, warning: 3, error: 4 };

export function silencedChecks(settings: Settings, sources: readonly SettingsSource[] = []): SilencedCheck[] {
  const out: SilencedCheck[] = [];
  const from = (path: string[]): string => {
    const source = [...sources].reverse().find((s) => valueAt(s.raw, path) !== undefined);
    return source ? ` (set in ${source.label})` : '';
  };
  const rules = new Map(ruleMetadata().map((r) => [r.id, r]));
  for (const [id, level] of Object.entries(settings.rules)) {
    const rule = rules.get(id);
    const defaultLevel = (rule?.defaultSeverity ?? 'error') as RuleLevel;
    if (RANK[level] >= RANK[defaultLevel]) continue;
    const what = rule ? `${rule.title} (${id})` : `rule ${id}`;
    const key = `orbit.rules["${id}"]`;
    out.push({
      key,
      message:
        level === 'off'
          ? `${key} is "off"${from(['rules', id])}: ${what} is no longer reported`
          : `${key} is "${level}"${from(['rules', id])}: ${what} is reported below its default severity "${defaultLevel}"`,
    });
  }
  if (!settings.sandbox.enabled) {
    out.push({ key: 'orbit.sandbox.enabled', message: `orbit.sandbox.enabled is false${from(['sandbox', 'enabled'])}: hidden triggers, magic values and concealed effects are no longer looked for on save` });
  }
  return out;
}

function valueAt(raw: unknown, path: string[]): unknown {
  let at = raw;
  for (const part of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
