// Files `check` leaves out of a directory walk by default: vendored, minified and bundled code that
// the project did not write (vendor/, bower_components/, dist/, *.min.js, files made mostly of very
// long lines). Their findings are the library's, not the project's — one vendored jQuery gives a
// screenful of ReDoS warnings. `--include-vendored` checks them; a file named on the command line
// is always checked, and so is a package under node_modules/ (checked as published).
import * as fs from 'node:fs';

const VENDORED_DIRS = new Set(['vendor', 'vendors', 'bower_components', 'jspm_packages', 'third_party', 'third-party', 'dist']);
const MINIFIED_NAME = /[.-]min\.[cm]?js$|\.bundle\.[cm]?js$/i;
/** How much of a file is read to judge its lines, and what a very long line is. */
const SAMPLE_BYTES = 256 * 1024;
const LONG_LINE = 1000;
const MIN_SIZE = 8 * 1024;

export function isVendoredDir(name: string): boolean {
  return VENDORED_DIRS.has(name.toLowerCase());
}

export function isMinifiedName(name: string): boolean {
  return MINIFIED_NAME.test(name);
}

/**
 * Whether most of a file's first 256 KB sits in lines of 1,000 characters or more: what a minifier
 * or bundler writes. A long line or two inside ordinary code (an injected one-liner) does not count.
 */
export function looksMinified(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  // Read synchronously, and only as much as there is: the walk asks this of every source file, and
  // three awaited calls per file left a re-run over an unchanged tree mostly waiting.
  try {
    const size = fs.fstatSync(fd).size;
    if (size < MIN_SIZE) return false;
    const buf = Buffer.allocUnsafe(Math.min(size, SAMPLE_BYTES));
    const bytesRead = fs.readSync(fd, buf, 0, buf.length, 0);
    if (bytesRead < MIN_SIZE) return false;
    let inLong = 0;
    let start = 0;
    for (let i = 0; i <= bytesRead; i++) {
      if (i === bytesRead || buf[i] === 10) {
        if (i - start >= LONG_LINE) inLong += i - start;
        start = i + 1;
      }
    }
    return inLong * 2 > bytesRead;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
