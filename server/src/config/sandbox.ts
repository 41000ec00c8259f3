// Settings of the sandbox pass (hidden triggers and magic values found by running each function in
// the QuickJS sandbox) and of single sandbox runs. Spread into the schema in schema.ts as `sandbox`.
import { boolean, integer } from './spec';

export const sandboxSchema = {
  enabled: boolean({
    default: true,
    description:
      'Run the sandbox pass on save: each function of the saved file runs in the QuickJS sandbox on ordinary inputs, on probes (literals it compares with, dates, environment values) and on the inputs the trigger search solves from the conditions it evaluated; behaviour only a probe or the search brings out is reported (rules hidden-trigger, magic-auth-bypass, concealed-effect), and an effect behind a literal condition that no run reached is shown with its condition (dormant-trigger). Needs no model. It runs on save and with orbit-ls.verifyDocument, not on open or while typing, so it never holds a worker thread that the static pass of the next edit waits for; an edit drops its findings until the next save. `orbit-ls check` runs it only with `--sandbox`.',
  }),
  unexpectedEffects: boolean({
    default: false,
    description:
      'Also report network requests, process execution and eval that a function performs on ordinary inputs (rule unexpected-effect, CWE-912). Off by default because many backends do this legitimately.',
  }),
  timeMs: integer({
    default: 1000,
    min: 50,
    max: 60_000,
    description: 'Wall-clock budget of one sandbox run of one function on one input.',
  }),
  budgetMs: integer({
    default: 20_000,
    min: 500,
    max: 600_000,
    description:
      'Wall-clock budget of the sandbox pass over one file. The most suspicious functions run first; those left when it runs out are not checked, and an information diagnostic says so.',
  }),
};
