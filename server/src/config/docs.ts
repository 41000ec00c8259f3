// Renders the settings reference for docs/configuration.md from the schema, so the docs cannot
// drift from the code (a test compares them).
import { schema, SECTION } from './schema';
import { isSpec, show, type SchemaGroup, type SettingSpec } from './spec';

export interface SettingEntry {
  key: string;
  spec: SettingSpec<unknown>;
}

/** Every setting with its full dotted key, in schema order. */
export function listSettings(group: SchemaGroup = schema, prefix: string = SECTION): SettingEntry[] {
  return Object.entries(group).flatMap(([name, node]) =>
    isSpec(node) ? [{ key: `${prefix}.${name}`, spec: node }] : listSettings(node, `${prefix}.${name}`),
  );
}

/** The markdown reference: one section per setting with type, default and description. */
export function renderSettingsReference(): string {
  return listSettings()
    .map(({ key, spec }) => {
      const def = spec.defaultLabel ?? show(typeof spec.default === 'function' ? undefined : spec.default);
      return [`### \`${key}\``, '', `- Type: ${spec.type}`, `- Default: ${spec.defaultLabel ? def : `\`${def}\``}`, '', spec.description, ''].join('\n');
    })
    .join('\n');
}
