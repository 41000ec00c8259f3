// Shell commands as install scripts and load-time code run them: which ones fetch and run code,
// hide what they run, or plant persistence, and which are the ordinary native-build and hook
// steps packages use. Shared by the install-script check, the static process rule and the
// load-time sandbox findings. Pure.

export interface CommandVerdict {
  /** Why the command is dangerous; undefined when it is not. */
  danger?: string;
  /** Files run with node (`node install.js`), to be analysed in their turn. */
  nodeFiles: string[];
}

const DANGERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(\w*\/)?(ba|z|da|k)?sh\b/i, 'it pipes a download into a shell'],
  [/\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(node|python3?|perl|ruby)\b/i, 'it pipes a download into an interpreter'],
  [/\bbase64\s+(-d|--decode|-D)\b|\|\s*base64\b.*\|\s*(ba)?sh\b|-(enc|encodedcommand)\s+[A-Za-z0-9+/=]{12,}/i, 'it runs an encoded command'],
  [/\b(curl|wget)\b.*(\bchmod\s+(\+x|[0-7]*[1357][0-7]*)\b|&&\s*\.?\/|;\s*\.\/|\|\|.*;\s*\.\/)/i, 'it downloads a program and runs it'],
  [/\/dev\/tcp\/|\bmkfifo\b|\b(nc|ncat|netcat)\b.*\s-e\s/i, 'it opens a reverse shell'],
  [/\b(rundll32|regsvr32|mshta|certutil\s+-urlcache)\b/i, 'it loads a native library or script through a Windows loader'],
  [/\bnpm\s+publish\b/i, 'it publishes packages (how self-propagating worms spread)'],
  [/\bnpm\s+(install|i)\b[^&|;]*--prefix\s+\S*(home|~|\.node_modules)/i, 'it installs packages outside the project, into the home directory'],
  [/--dangerously-skip-permissions|--yolo\b|--trust-all-tools/i, 'it runs an AI assistant with its safety checks turned off'],
  [/\b(crontab|systemctl\s+enable|launchctl\s+load)\b/i, 'it installs a scheduled or persistent job'],
  [/(^|[;&|]\s*)(\/tmp\/|~\/\.|\$HOME\/\.)\S*/, 'it runs a hidden or temporary program'],
];

/** Build and hook tools whose install steps are expected. */
const ORDINARY = /^(node-gyp(-build)?|prebuild-install|node-pre-gyp|@mapbox\/node-pre-gyp|cmake-js|husky|patch-package|tsc|electron-rebuild|ngcc|opencollective-postinstall|is-ci|rimraf|npm run|yarn|pnpm|lerna|nx|turbo|echo|exit)\b/;

/** Classifies one command line. */
export function classifyCommand(command: string): CommandVerdict {
  const nodeFiles: string[] = [];
  for (const m of command.matchAll(/(?:^|[\s;&|(])node\s+(?:--?[\w-]+(?:=\S+)?\s+)*("[^"]+"|'[^']+'|[^\s;&|)]+\.(?:c|m)?js)\b/g)) {
    const file = m[1].replace(/^["']|["']$/g, '').replace(/^\.\//, '');
    if (!nodeFiles.includes(file)) nodeFiles.push(file);
  }
  for (const [re, why] of DANGERS) if (re.test(command)) return { danger: why, nodeFiles };
  return { nodeFiles };
}

/** Whether every part of a command is an ordinary build or hook step (or runs a node file,
 *  which is analysed on its own). */
export function isOrdinaryCommand(command: string): boolean {
  return command
    .split(/&&|\|\||;|&/)
    .map((p) => p.trim())
    .filter(Boolean)
    .every((p) => ORDINARY.test(p) || /^node\s/.test(p) || /^start\s+\/B\s+node\s/i.test(p));
}
