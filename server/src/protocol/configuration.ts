// Settings per document: initializationOptions, then what didChangeConfiguration pushed, then the
// client's workspace/configuration answer for that resource. Cached per URI, cleared on change.
// Invalid values become one showMessage warning each (naming the key and the fallback), never an exit.
import { SECTION, type Settings } from '../config/schema';
import { resolveSettings, type ResolvedSettings } from '../config/validate';
import type { LspClient } from './client';
import { silencedChecks } from '../engine/silenced';

export interface ConfigurationStore {
  settingsFor(uri: string | undefined): Promise<Settings>;
  resolvedFor(uri: string | undefined): Promise<ResolvedSettings>;
  /** didChangeConfiguration: `pushed` is the notification's settings object (may be null). */
  changed(pushed: unknown): void;
  forget(uri: string): void;
}

/** A client that never answers workspace/configuration must not stall analysis forever. */
const ANSWER_TIMEOUT_MS = 2000;

export function createConfigurationStore(client: LspClient, initializationOptions: unknown): ConfigurationStore {
  const cache = new Map<string, Promise<ResolvedSettings>>();
  const warned = new Set<string>();
  let pushed: unknown;
  // Checks the configuration silences: announced once each, and again only after a change in
  // which they had been turned back on.
  let silencedBefore = new Set<string>();
  let silencedNow = new Set<string>();

  const fetch = async (uri: string | undefined): Promise<ResolvedSettings> => {
    const answer = await withTimeout(client.configuration(uri, SECTION), ANSWER_TIMEOUT_MS).catch((err: unknown) => {
      client.log(`orbit-ls: workspace/configuration failed (${String(err)}); using initializationOptions and defaults`);
      return undefined;
    });
    const resolved = resolveSettings(initializationOptions, pushed, answer);
    for (const problem of resolved.problems) {
      if (warned.has(problem.message)) continue;
      warned.add(problem.message);
      client.showWarning(`orbit-ls: ${problem.message}`);
      client.log(`orbit-ls: configuration problem: ${problem.message}`);
    }
    const sources = [
      { label: 'initializationOptions', raw: initializationOptions },
      { label: 'workspace/didChangeConfiguration', raw: pushed },
      { label: `the client's workspace/configuration answer${uri ? ` for ${uri}` : ''}`, raw: answer },
    ];
    for (const silenced of silencedChecks(resolved.settings, sources)) {
      if (silencedNow.has(silenced.key)) continue;
      silencedNow.add(silenced.key);
      if (silencedBefore.has(silenced.key)) continue;
      client.showWarning(`orbit-ls: a check is turned off or down: ${silenced.message}. If you did not set this, look for orbit settings in the project's editor configuration.`);
      client.log(`orbit-ls: configuration silences a check: ${silenced.message}`);
    }
    return resolved;
  };

  const resolvedFor = (uri: string | undefined): Promise<ResolvedSettings> => {
    const key = uri ?? '';
    let entry = cache.get(key);
    if (!entry) {
      entry = fetch(uri);
      cache.set(key, entry);
    }
    return entry;
  };

  return {
    resolvedFor,
    settingsFor: async (uri) => (await resolvedFor(uri)).settings,
    changed(settings) {
      // Clients send the whole configuration ({ orbit: {...} }), or null when they expect a pull.
      const section = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)[SECTION] : undefined;
      pushed = section;
      cache.clear();
      warned.clear();
      silencedBefore = silencedNow;
      silencedNow = new Set();
    },
    forget: (uri) => void cache.delete(uri),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
