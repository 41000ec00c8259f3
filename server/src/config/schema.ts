// The one settings schema of orbit-ls (client section "orbit"): every key, its type, default and
// description. Types, defaults, validation and docs/configuration.md all derive from this object.
import { availableParallelism } from 'node:os';
import { integer, ruleLevels, stringArray, type SchemaGroup, type SettingsOf } from './spec';
import { ollamaSchema, verifySchema } from './verify';
import { sandboxSchema } from './sandbox';
import { regenerateSchema } from './regenerate';
import { backendSetting, openaiSchema } from './backends';

/** The configuration section clients send, e.g. workspace/configuration { section: "orbit" }. */
export const SECTION = 'orbit';

// To add a setting: add a spec below (or a group object, e.g. `ollama: { host: string({...}) }`,
// best kept in its own file and spread in here), then run
// `UPDATE_DOCS=1 node --test test/unit/config/` to regenerate the reference in docs/configuration.md.
export const schema = {
  debounceMs: integer({
    default: 200,
    min: 0,
    max: 10_000,
    description: 'Milliseconds to wait after the last edit of a document before analysing it again.',
  }),
  analysisTimeoutMs: integer({
    default: 10_000,
    min: 100,
    max: 600_000,
    description:
      'Longest time one analysis of one document may take. A run that takes longer is stopped and the document gets an information diagnostic saying so.',
  }),
  maxFileSize: integer({
    default: 2_000_000,
    min: 0,
    description: 'Documents longer than this many characters are not analysed (the document gets an information diagnostic).',
  }),
  pool: {
    size: integer({
      default: () => Math.max(1, availableParallelism() - 1),
      defaultLabel: 'CPU cores − 1, at least 1',
      min: 1,
      max: 64,
      description: 'Number of worker threads that run analyses. Read when the server or `check` starts; `check` runs one thread per core unless its --config file sets this (`check --dependencies` always uses this setting).',
    }),
  },
  rules: ruleLevels({
    default: {},
    description:
      'Severity per rule id, e.g. `{ "sql-injection": "warning", "command-injection": "off" }`. Rules not listed use their default severity. `caller-controlled` (parameters of exported functions that reach a shell command, eval or a query) is `information` by default; set it to `"warning"` to count them as third-party rule suites do, or `"off"` for an application whose exported functions only its own routes call.',
  }),
  extraSources: stringArray({
    default: [],
    description:
      'Extra taint sources as dotted access paths, e.g. `["ctx.state.input", "getUserInput()"]`, treated like request data.',
  }),
  backend: backendSetting,
  ollama: ollamaSchema,
  openai: openaiSchema,
  verify: verifySchema,
  sandbox: sandboxSchema,
  regenerate: regenerateSchema,
} satisfies SchemaGroup;

/** Validated settings: every key present, every value of its declared type. */
export type Settings = SettingsOf<typeof schema>;
