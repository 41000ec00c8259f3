// Progress of long work (verification, regeneration, re-analysis) as the user sees it: messages
// with an optional percentage, then done. The protocol layer backs it with LSP work-done progress.
export interface Progress {
  report(message: string, percentage?: number): void;
  done(): void;
}
