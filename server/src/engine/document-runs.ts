// Per-document runs of a pass: starting a run aborts the one before it for the same document, and
// every run stops with the caller's signal or the owner's. With `delay`, this is the scheduler.

export interface DocumentRun {
  signal: AbortSignal;
  /** Unlinks the run from the outer signals and forgets it, unless a newer run replaced it. */
  finish(): void;
}

export interface DocumentRuns {
  /** A new run of `uri`: the previous one is aborted; `outer` and `lifetime` abort this one. */
  start(uri: string, outer?: AbortSignal): DocumentRun;
  /** Aborts the running pass of `uri`, if any. */
  abort(uri: string): void;
  /** The documents with a run in progress. */
  uris(): IterableIterator<string>;
}

export function createDocumentRuns(lifetime: AbortSignal): DocumentRuns {
  const runs = new Map<string, AbortController>();
  return {
    start(uri, outer) {
      runs.get(uri)?.abort();
      const controller = new AbortController();
      runs.set(uri, controller);
      const stop = (): void => controller.abort();
      outer?.addEventListener('abort', stop, { once: true });
      lifetime.addEventListener('abort', stop, { once: true });
      return {
        signal: controller.signal,
        finish() {
          outer?.removeEventListener('abort', stop);
          lifetime.removeEventListener('abort', stop);
          if (runs.get(uri) === controller) runs.delete(uri);
        },
      };
    },
    abort: (uri) => runs.get(uri)?.abort(),
    uris: () => runs.keys(),
  };
}

/** Resolves after `ms`, or early (without error) when the signal aborts: the debounce of a pass. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
