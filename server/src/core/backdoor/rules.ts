// Metadata of the sandbox pass's rules, in the static registry's RuleMeta shape, for SARIF rule
// entries and rule catalogues. The ids are the ones backdoor/findings.ts reports.
import { cweUrl, type RuleMeta } from '../security/rule';

const SANDBOX_RULES: readonly RuleMeta[] = [
  {
    id: 'hidden-trigger',
    cwe: ['CWE-506', 'CWE-912'],
    defaultSeverity: 'error',
    title: 'Hidden trigger (embedded malicious code)',
    description:
      'A security-relevant effect (a request, a process, a file write, eval, secrets leaving the function) that the sandbox saw only for a rare input written into the code, a specific date or an environment value, never for ordinary inputs.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  {
    id: 'magic-auth-bypass',
    cwe: ['CWE-798', 'CWE-287'],
    defaultSeverity: 'error',
    title: 'Authentication bypass by a magic value',
    description: 'An authentication function or middleware that refuses ordinary credentials but grants access for a literal written into the code rather than a stored credential.',
    docsUrl: cweUrl('CWE-798'),
    hasFix: false,
  },
  {
    id: 'dormant-trigger',
    cwe: ['CWE-912'],
    defaultSeverity: 'warning',
    title: 'Dormant trigger (effect no run reached)',
    description:
      'A process, eval, a request to a host written in the code, a file write, or next() / return true, behind a condition that compares the input, the environment, the date or a hash with a literal, which no sandbox run met even after the trigger search. The condition is shown for review.',
    docsUrl: cweUrl('CWE-912'),
    hasFix: false,
  },
  {
    id: 'concealed-effect',
    cwe: ['CWE-506'],
    defaultSeverity: 'error',
    title: 'Concealed effect',
    description:
      'A function that, on ordinary inputs, sends environment secrets away, runs code it decoded or downloaded, or contacts a host or runs a command that never appears in the source.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  {
    id: 'unexpected-effect',
    cwe: ['CWE-912'],
    defaultSeverity: 'information',
    title: 'Unexpected effect',
    description: 'A function that makes network requests, runs processes or evaluates code on ordinary inputs. Reported only with orbit.sandbox.unexpectedEffects.',
    docsUrl: cweUrl('CWE-912'),
    hasFix: false,
  },
];

/** Metadata of every rule the sandbox pass reports (copies, so callers cannot change the list). */
export function sandboxRules(): RuleMeta[] {
  return SANDBOX_RULES.map((r) => ({ ...r, cwe: [...r.cwe] }));
}
