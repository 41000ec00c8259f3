// Bounded concurrency for model calls with a queue that lets the preferred key (the active
// document) jump ahead; otherwise first come, first served. A cancelled waiter leaves the queue.

export interface Limiter {
  /** Waits for a slot; resolves with the function that gives it back. Rejects with the
   *  signal's reason if the signal aborts first. */
  acquire(priorityKey: string | undefined, signal: AbortSignal): Promise<() => void>;
  /** The key whose calls go first, e.g. the URI of the document in front of the user. */
  setPreferredKey(key: string | undefined): void;
  setConcurrency(limit: number): void;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  key: string | undefined;
  grant: (release: () => void) => void;
}

export function createLimiter(initialLimit: number): Limiter {
  let limit = Math.max(1, Math.floor(initialLimit));
  let active = 0;
  let preferred: string | undefined;
  const queue: Waiter[] = [];

  function makeRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      pump();
    };
  }

  function pump(): void {
    while (active < limit && queue.length > 0) {
      const i = preferred === undefined ? -1 : queue.findIndex((w) => w.key === preferred);
      const [next] = queue.splice(i >= 0 ? i : 0, 1);
      active++;
      next.grant(makeRelease());
    }
  }

  return {
    acquire(priorityKey, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (active < limit && queue.length === 0) {
        active++;
        return Promise.resolve(makeRelease());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          key: priorityKey,
          grant: (release) => {
            signal.removeEventListener('abort', onAbort);
            resolve(release);
          },
        };
        const onAbort = (): void => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    setPreferredKey(key) {
      preferred = key;
    },
    setConcurrency(next) {
      limit = Math.max(1, Math.floor(next));
      pump();
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
