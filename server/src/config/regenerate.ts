// Settings of "Regenerate securely": the model, the generation budget and the user's policy
// (banned modules and calls, required validation). Spread into the schema as `regenerate`.
import { boolean, integer, string, stringArray } from './spec';

export const regenerateSchema = {
  model: string({
    default: '',
    description: 'Model that writes regenerated functions. Empty means orbit.ollama.model.',
  }),
  maxAttempts: integer({
    default: 5,
    min: 1,
    max: 20,
    description: 'Model calls per regeneration, the first included: each rejected statement costs one call to resume from the last good one.',
  }),
  maxTokens: integer({
    default: 4000,
    min: 100,
    max: 100_000,
    description: 'Output tokens per regeneration, over all calls.',
  }),
  timeoutMs: integer({
    default: 120_000,
    min: 1000,
    max: 1_800_000,
    description: 'Longest time one regeneration may take, over all calls and the verification.',
  }),
  sandbox: boolean({
    default: true,
    description:
      'Before offering a regenerated function, run it and the original in the sandbox on ordinary inputs and an attack input; offer it only if it behaves the same and the attack no longer reaches the sink.',
  }),
  bannedModules: stringArray({
    default: [],
    description: 'Modules regenerated code may not use, e.g. `["child_process", "vm"]`.',
  }),
  bannedCalls: stringArray({
    default: [],
    description: 'Calls regenerated code may not make: a name (`"eval"`) or a dotted callee (`"child_process.exec"`).',
  }),
  requiredValidation: stringArray({
    default: [],
    description:
      'When set, a regenerated function must call one of these validators, e.g. `["schema.parse", "validateBody"]`.',
  }),
};
