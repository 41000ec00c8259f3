// Settings of the model-backed verification: where Ollama is, which model, when verification runs
// and how large an orbit may grow. Spread into the schema in schema.ts as `ollama` and `verify`.
// The Ollama defaults are external/llm/ollama's own (DEFAULT_OLLAMA_SETTINGS), so the two cannot drift.
import { DEFAULT_OLLAMA_PULL, DEFAULT_OLLAMA_SETTINGS } from '../external/llm/ollama/settings';
import { generationModeSetting, ollamaHostSetting } from './backends';
import { boolean, integer, oneOf, string, type SettingSpec } from './spec';

/** A finite number in [min, max]; the spec helpers only offer integers. */
function fraction(o: { default: number; min: number; max: number; description: string }): SettingSpec<number> {
  const type = `number ≥ ${o.min} and ≤ ${o.max}`;
  return {
    kind: 'setting',
    type,
    default: o.default,
    description: o.description,
    parse: (raw) =>
      typeof raw === 'number' && Number.isFinite(raw) && raw >= o.min && raw <= o.max
        ? { value: raw, issues: [] }
        : { issues: [`expected a ${type}, got ${JSON.stringify(raw)}`] },
  };
}

export const ollamaSchema = {
  host: ollamaHostSetting,
  mode: generationModeSetting,
  model: string({
    default: DEFAULT_OLLAMA_SETTINGS.model,
    description: `Model that predicts execution traces. Install the default with \`${DEFAULT_OLLAMA_PULL}\`.`,
  }),
  concurrency: integer({
    default: DEFAULT_OLLAMA_SETTINGS.concurrency,
    min: 1,
    max: 16,
    description: 'Model requests in flight at once. 1 matches Ollama\'s default of one request per loaded model; raise it with OLLAMA_NUM_PARALLEL.',
  }),
  idleTimeoutMs: integer({
    default: DEFAULT_OLLAMA_SETTINGS.idleTimeoutMs,
    min: 1000,
    max: 600_000,
    description: 'A model answer that sends nothing for this long after it started is abandoned.',
  }),
  firstChunkTimeoutMs: integer({
    default: DEFAULT_OLLAMA_SETTINGS.firstChunkTimeoutMs,
    min: 1000,
    max: 280_000,
    description: 'Longest wait for the first part of an answer, which includes loading the model into memory.',
  }),
  cacheDir: string({
    default: '',
    description: 'Directory for the on-disk cache of model answers (size-capped). Empty keeps answers in memory only.',
  }),
};

export const verifySchema = {
  trigger: oneOf(['onSave', 'onIdle', 'manual'] as const, {
    default: 'onSave',
    description:
      'When changed functions are verified with the model: on save, after orbit.verify.idleMs without edits, or only through the commands orbit-ls.verifyDocument and orbit-ls.verifyFunction.',
  }),
  idleMs: integer({
    default: 3000,
    min: 200,
    max: 600_000,
    description: 'With trigger "onIdle": milliseconds without edits before a document is verified.',
  }),
  maxOrbit: integer({
    default: 8,
    min: 0,
    max: 32,
    description: 'Largest orbit (number of rewrites of a function) shown to the model. 0 compares the model with the sandbox only.',
  }),
  adaptive: boolean({
    default: true,
    description:
      'Start with 2 rewrites and grow the orbit (4, then orbit.verify.maxOrbit) only while the verdict is uncertain or the function is risky; stop early on clear agreement.',
  }),
  deltaMin: fraction({
    default: 0.05,
    min: 0,
    max: 0.9,
    description: 'Minimum edit distance of a rewrite from the original, as a fraction of the function\'s length.',
  }),
  maxInputs: integer({
    default: 4,
    min: 1,
    max: 16,
    description: 'Inputs per function on which traces are predicted and compared (one prompt holds all of them).',
  }),
  maxFunctions: integer({
    default: 20,
    min: 1,
    max: 500,
    description: 'Changed functions verified per run, most suspicious first; the rest wait for the next run.',
  }),
};
