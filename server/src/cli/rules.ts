// The rule catalogue as the CLI reports it (SARIF's tool.driver.rules): every registered rule (and
// the sandbox pass's rules when it ran), and any rule seen in findings that no registry describes.
import { sandboxRules } from '../core/backdoor/rules';
import { ruleMetadata } from '../engine/rule-metadata';
import { supplyRules } from '../core/supply/rules';
import type { RuleMeta } from '../core/security/rule';
import type { Finding } from '../core/types';

export function ruleCatalogue(registered: readonly RuleMeta[], findings: readonly Finding[]): RuleMeta[] {
  const byId = new Map(registered.map((r) => [r.id, r]));
  for (const f of findings) {
    if (byId.has(f.ruleId)) continue;
    byId.set(f.ruleId, { id: f.ruleId, cwe: f.cwe, defaultSeverity: f.severity, title: f.ruleId, description: f.message, docsUrl: '', hasFix: (f.fixes ?? []).length > 0 });
  }
  return [...byId.values()];
}

/** Every rule in core's registry (from the build's table, without loading the analysis), and the sandbox's and package checks' rules when `sandbox` is set. */
export function registeredRules(options: { sandbox: boolean } = { sandbox: false }): RuleMeta[] {
  return options.sandbox ? [...ruleMetadata(), ...sandboxRules(), ...supplyRules()] : ruleMetadata();
}
