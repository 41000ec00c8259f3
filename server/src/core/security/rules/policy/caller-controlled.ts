// A parameter of an exported function that reaches a shell command, evaluated code or a query
// inside the module: whoever calls the function decides what runs. A library's public API cannot
// know its callers, so this is reported at a lower level than a flow from request data.
// The findings come from core/workspace/caller-controlled.ts, which reads the module's own summary
// (the same one the workspace index builds); this file is the rule's metadata, so levels,
// suppressions, SARIF and the docs treat it like every other rule.
import type { Rule } from '../../rule';
import { cweUrl } from '../../rule';

export const callerControlled: Rule = {
  meta: {
    id: 'caller-controlled',
    cwe: ['CWE-20', 'CWE-78', 'CWE-94', 'CWE-89', 'CWE-943'],
    defaultSeverity: 'information',
    title: 'Parameter of an exported function reaches a command, code or a query',
    description:
      'A parameter of an exported function reaches a shell command, eval or a database query inside its module, so the function is only safe if every caller passes trusted values; validate or parameterise inside the function, or document the contract.',
    docsUrl: cweUrl('CWE-20'),
    hasFix: false,
    constraint:
      'Exported functions must not put their parameters into shell commands, eval or query strings; pass them as arguments (execFile, placeholders) so the function is safe whatever its callers pass.',
  },
  check() {
    // Reported from the module summary; see core/workspace/caller-controlled.ts.
  },
};
