// Settings for CLI commands: the defaults, overridden by a JSON file given with --config: the
// object an editor sends as the "orbit" section, bare or as { "orbit": { … } }. Problems are printed, never fatal.
import { readFile } from 'node:fs/promises';
import { resolveSettings, type ResolvedSettings } from '../config/validate';
import { UsageError } from './io';

export async function loadSettings(configFile: string | undefined): Promise<ResolvedSettings> {
  if (configFile === undefined) return resolveSettings();
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configFile, 'utf8'));
  } catch (err) {
    throw new UsageError(`could not read settings from ${configFile}: ${(err as Error).message}. Pass a JSON file holding the "orbit" settings object (see docs/configuration.md).`);
  }
  return resolveSettings(unwrapSection(raw));
}

/** Accepts the editor form `{ "orbit": { … } }` as well as the bare settings object. */
export function unwrapSection(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'orbit' in raw) {
    const inner = (raw as { orbit: unknown }).orbit;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner;
  }
  return raw;
}

/** The raw settings object of a --config file, to say where a setting came from; undefined if unreadable. */
export async function readRaw(configFile: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(configFile, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
