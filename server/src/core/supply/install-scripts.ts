// package.json lifecycle scripts: preinstall, install, postinstall and prepare run with the
// installing user's rights on every `npm install`. A script that pipes a download into a shell,
// runs a downloaded program or decodes a command is a finding on its line of package.json; native
// builds (node-gyp, node-gyp-build, prebuild-install) and hook set-up (husky) are not. The node
// files a script runs are returned so they can be analysed and run at load. Pure.
import type { Finding, Span } from '../types';
import { classifyCommand } from './commands';
import { supplyRuleMeta } from './rules';

export const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'] as const;

export interface InstallScripts {
  findings: Finding[];
  /** Package-relative files the lifecycle scripts run with node. */
  files: string[];
  /** The package's main entry, relative ("index.js" when unset). */
  main: string;
  name?: string;
  /** Set when package.json is not valid JSON. */
  error?: string;
}

/** Reads a package.json text. Never throws. */
export function checkInstallScripts(text: string): InstallScripts {
  let pkg: { name?: unknown; main?: unknown; scripts?: unknown };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch (err) {
    return { findings: [], files: [], main: 'index.js', error: `package.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const out: InstallScripts = { findings: [], files: [], main: typeof pkg.main === 'string' ? pkg.main : 'index.js', name: typeof pkg.name === 'string' ? pkg.name : undefined };
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? (pkg.scripts as Record<string, unknown>) : {};
  const meta = supplyRuleMeta('install-script');
  for (const hook of LIFECYCLE) {
    const command = scripts[hook];
    if (typeof command !== 'string') continue;
    const verdict = classifyCommand(command);
    out.files.push(...verdict.nodeFiles.filter((f) => !out.files.includes(f)));
    if (!verdict.danger) continue;
    const span = scriptSpan(text, hook, command);
    out.findings.push({
      ruleId: meta.id,
      cwe: [...meta.cwe],
      severity: meta.defaultSeverity,
      message: `The ${hook} script runs on every install and ${verdict.danger}: \`${short(command)}\` (${meta.cwe[0]})`,
      span,
      flow: [{ span, message: `npm runs "${hook}" when the package is installed` }],
    });
  }
  return out;
}

/** The span of a script's value in the package.json text (the whole text when not found). */
function scriptSpan(text: string, hook: string, command: string): Span {
  const key = text.search(new RegExp(`"${hook}"\\s*:`));
  if (key < 0) return { start: 0, end: Math.min(text.length, 1) };
  const value = text.indexOf('"', text.indexOf(':', key) + 1);
  const encoded = JSON.stringify(command);
  const end = text.startsWith(encoded, value) ? value + encoded.length : text.indexOf('\n', key) < 0 ? text.length : text.indexOf('\n', key);
  return { start: key, end };
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
