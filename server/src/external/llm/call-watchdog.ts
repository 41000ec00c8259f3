// The abort and time-out wiring every streamed model call shares, whatever the backend: the
// request gets its own signal, cancelled with the caller's, and a timer that aborts it when the
// server stays silent too long (before the first chunk, then between chunks).

export interface CallWatchdog {
  /** The request's signal: aborted by the caller, by a time-out, or by dispose(). */
  signal: AbortSignal;
  /** (Re)starts the silence timer; when it fires the request is aborted with `message`. */
  arm(ms: number, message: string): void;
  /** Stops the timer while the consumer handles a chunk: its own time is not the server's silence. */
  pause(): void;
  /** The message of the time-out that fired, if one did. */
  timedOut(): string | undefined;
  /** Clears the timer, unlinks the caller's signal and ends the request if it is still open. */
  dispose(): void;
}

export function callWatchdog(caller: AbortSignal): CallWatchdog {
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort(caller.reason);
  caller.addEventListener('abort', onAbort, { once: true });
  let fired: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: ctl.signal,
    arm(ms, message) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fired = message;
        ctl.abort(new Error(message));
      }, ms);
    },
    pause: () => clearTimeout(timer),
    timedOut: () => fired,
    dispose() {
      clearTimeout(timer);
      caller.removeEventListener('abort', onAbort);
      ctl.abort();
    },
  };
}
