// Worker task `warmUp`: loads the parser and rules once so the first real analysis is not slow,
// and doubles as the parser health check (it analyses a tiny known document).
import { analyzeDocument } from '../../core/static-analysis';
import { DEFAULT_STATIC_OPTIONS } from '../../core/types';

export interface WarmUpResult {
  /** Milliseconds the tiny analysis took inside the worker, module loading included on first call. */
  elapsedMs: number;
  findings: number;
  errors: string[];
}

const SAMPLE = 'const express = require("express");\nconst app = express();\napp.get("/", (req, res) => res.send(req.query.q));\n';

export function warmUp(_input: Record<string, never>): WarmUpResult {
  const started = performance.now();
  const result = analyzeDocument({ fileName: 'warm-up.js', text: SAMPLE }, DEFAULT_STATIC_OPTIONS);
  return { elapsedMs: performance.now() - started, findings: result.findings.length, errors: result.errors.map((e) => e.message) };
}
