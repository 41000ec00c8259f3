// The sandbox backend's public surface: trace one program, run one function (the harness),
// analyse one document, check health.
export { traceUnit, loadSandbox, DEFAULT_LIMITS, FAKE_ENV, ORDINARY_NOW, type SandboxLimits, type RunInput, type RunOptions } from './runner';
export { prepareUnit, traceCase, traceProgram, unitPass, harnessCounters, type UnitPass, type UnitPassOptions, type UnitCache } from './harness';
export { sandboxAnalyzeDocument, type SandboxAnalyzeOptions, type SandboxDocumentResult, type CachedUnit } from './document-pass';
export { sandboxHealth, type SandboxHealth } from './self-test';
export { instrument } from './instrument';
