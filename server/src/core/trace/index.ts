// The trace layer's public surface: schema, normalisation, similarity, verdicts and cost.
export * from './schema';
export { TRACE_JSON_SCHEMA, SANDBOX_TRACE_JSON_SCHEMA } from './json-schema';
export { normaliseTrace, canonicalValue, canonicalTarget, toJsonValue, type VariantMapping } from './normalise';
export {
  DEFAULT_WEIGHTS, traceSimilarity, similarityMatrix, pairQuantile, digestTrace, digestSimilarity,
  type Similarity, type SimilarityComponents, type SimilarityWeights, type TraceSet,
} from './similarity';
export {
  DEFAULT_THRESHOLDS, consistencyVerdict, describeEffect,
  type ConsistencyVerdict, type Disagreement, type Thresholds, type VerdictKind, type VerdictOptions,
} from './verdict';
export { accountCost, type CallCost, type CostSummary } from './cost';
export { compareWithGroundTruth, type GroundTruthComparison } from './ground-truth';
