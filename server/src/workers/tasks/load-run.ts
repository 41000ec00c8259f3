// The load run of one document for the sandbox task: its top level executed in the sandbox, the
// effects turned into findings, cached per thread by text so a save that changes nothing at the
// top level (or at all) costs nothing.
import { cyrb53 } from '../../core/source/units';
import { mayActAtLoad } from '../../core/supply/capabilities';
import { loadFindings } from '../../core/supply/load-findings';
import type { Finding } from '../../core/types';
import { runModuleTopLevel } from '../../external/sandbox/module-run';

const cache = new Map<string, Finding[]>();
const MAX_CACHE = 200;

export async function loadRunFindings(fileName: string, text: string, signal?: AbortSignal): Promise<Finding[]> {
  if (!mayActAtLoad(text)) return [];
  const key = cyrb53(`${fileName}\u0000${text}`);
  const hit = cache.get(key);
  if (hit) return hit;
  const trace = await runModuleTopLevel(fileName, text, { signal });
  if (signal?.aborted) return [];
  const findings = loadFindings(trace, text);
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, findings);
  return findings;
}
