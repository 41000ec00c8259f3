// Whether running a file's top level could show anything: in a load run, modules it requires are
// stand-ins, so only what the file itself names can reach a sink. A file that names no network,
// process, file-writing or code-running capability, and no way to build such a name at run time
// (decoding, computed requires, computed global lookups), cannot, and is not run. Pure.

const CAPABILITY =
  /\b(https?|http2|net|tls|dns|fetch|child_process|exec\w*|spawn\w*|fork|eval|Function|vm|writeFile\w*|appendFile\w*|createWriteStream|mkdir\w*|copyFile\w*|request|axios|got|needle|undici|socket\.io[\w-]*|WebSocket|XMLHttpRequest|io)\b|\bimport\s*\(|\bfromCharCode\b|\batob\b|['"](base64|hex)['"]|\\x[0-9a-fA-F]{2}|\\u00[0-9a-fA-F]{2}|\brequire\s*\(\s*[^'"`\s)]|\b(globalThis|global|window|self)\s*\[|\bconstructor\s*\(/;

export function mayActAtLoad(text: string): boolean {
  return CAPABILITY.test(text);
}
