// The version of orbit-ls, read once from the package manifest shipped beside server/dist.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function orbitVersion(): string {
  if (cached === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
      cached = manifest.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
