// Metadata of the package checks that are not static rules over one file's syntax: install
// scripts (package.json) and effects seen when a module's top level runs in the sandbox.
import { cweUrl, type RuleMeta } from '../security/rule';

const SUPPLY_RULES: readonly RuleMeta[] = [
  {
    id: 'install-script',
    cwe: ['CWE-506', 'CWE-829'],
    defaultSeverity: 'error',
    title: 'Dangerous install script',
    description:
      'A preinstall, install, postinstall or prepare script that pipes a download into a shell, downloads and runs a program, runs an encoded command or plants persistence. Native builds (node-gyp, node-gyp-build, prebuild-install) and hook set-up (husky) are not reported.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  {
    id: 'load-exfiltration',
    cwe: ['CWE-200', 'CWE-506'],
    defaultSeverity: 'error',
    title: 'Exfiltration at load',
    description:
      'When the module is loaded (or its install script runs), data from a sensitive local source (environment secrets, host and user names, SSH keys, .npmrc, cloud credentials, .env, browser and wallet stores) reaches a network or DNS request in the sandbox, however it was encoded.',
    docsUrl: cweUrl('CWE-200'),
    hasFix: false,
  },
  {
    id: 'load-remote-code',
    cwe: ['CWE-506', 'CWE-494'],
    defaultSeverity: 'error',
    title: 'Remote code at load',
    description:
      'When the module is loaded, it runs code downloaded from the network through eval, Function or vm, or starts a process that downloads, hides or spreads code.',
    docsUrl: cweUrl('CWE-494'),
    hasFix: false,
  },
  {
    id: 'load-sensitive-write',
    cwe: ['CWE-506', 'CWE-732'],
    defaultSeverity: 'error',
    title: 'Write to a sensitive location at load',
    description:
      'When the module is loaded, it writes to SSH authorized keys, shell start-up files, cron, git hooks, CI workflows or npm configuration.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
];

export function supplyRules(): RuleMeta[] {
  return SUPPLY_RULES.map((r) => ({ ...r, cwe: [...r.cwe] }));
}

export function supplyRuleMeta(id: string): RuleMeta {
  const meta = SUPPLY_RULES.find((r) => r.id === id);
  if (!meta) throw new Error(`unknown package rule ${id}`);
  return meta;
}
