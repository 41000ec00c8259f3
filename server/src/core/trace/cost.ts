// Cost accounting for a verdict: model calls, tokens and time, and the ARQ (Adversarial
// Robustness Quotient): the cost of verification relative to the cost of one generation.

/** What one model call cost; structurally a subset of ModelUsage in external/llm/types.ts. */
export interface CallCost {
  promptTokens: number;
  outputTokens: number;
  wallMs: number;
  /** HTTP requests made: 0 for a cache hit, more than 1 when an answer was retried. */
  requests: number;
}

export interface CostSummary {
  /** Calls that reached the model (cache hits excluded). */
  modelCalls: number;
  cacheHits: number;
  promptTokens: number;
  outputTokens: number;
  tokens: number;
  wallMs: number;
  /** Verification cost over the cost of one generation. */
  arq: number;
  /** What ARQ was measured in: tokens when known, otherwise time. */
  arqBasis: 'tokens' | 'time';
}

/** Sums the calls behind a verdict. The reference generation is the cost of producing the code
 *  once (or, when not given, of the first call: predicting the original's trace). */
export function accountCost(calls: readonly CallCost[], generation?: { tokens: number; wallMs: number }): CostSummary {
  let promptTokens = 0;
  let outputTokens = 0;
  let wallMs = 0;
  let modelCalls = 0;
  let cacheHits = 0;
  for (const c of calls) {
    promptTokens += c.promptTokens;
    outputTokens += c.outputTokens;
    wallMs += c.wallMs;
    if (c.requests === 0) cacheHits++;
    else modelCalls += c.requests;
  }
  const tokens = promptTokens + outputTokens;
  const ref = generation ?? (calls.length > 0 ? { tokens: calls[0].promptTokens + calls[0].outputTokens, wallMs: calls[0].wallMs } : { tokens: 0, wallMs: 0 });
  const byTokens = ref.tokens > 0;
  const denominator = byTokens ? ref.tokens : ref.wallMs;
  const numerator = byTokens ? tokens : wallMs;
  return {
    modelCalls, cacheHits, promptTokens, outputTokens, tokens, wallMs,
    arq: denominator > 0 ? numerator / denominator : 0,
    arqBasis: byTokens ? 'tokens' : 'time',
  };
}
