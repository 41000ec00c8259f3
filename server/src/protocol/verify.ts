// The protocol side of model verification: the orbit-ls.verifyDocument (which also runs the sandbox
// pass) and orbit-ls.verifyFunction commands, and the hover that shows a function's consistency
// score and orbit size. The findings are merged with the other passes' by the document owner.
import type { Hover, HoverParams, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { VerifyService } from '../engine/verify/service';
import type { UnitSummary, VerifyReport } from '../engine/verify/verifier';
import type { ServerCommand } from './command-context';
import { sandboxSummary } from './sandbox';

export type { VerificationHandle } from './command-context';

export const verifyDocumentCommand: ServerCommand = {
  id: 'orbit-ls.verifyDocument',
  aliases: ['orbit.verifyDocument'],
  async run(args, ctx, signal) {
    const uri = uriArg(args[0]);
    if (!uri || !ctx.verification) return null;
    // The sandbox pass needs no model, so it runs (and reports) even when the model is away.
    const [report, sandbox] = await Promise.all([ctx.verification.service.verifyNow(uri, undefined, signal), ctx.sandbox?.runNow(uri, signal)]);
    return { ...summary(report), sandbox: sandboxSummary(sandbox) };
  },
};

/** Arguments: the document URI and the cursor position, as an editor sends them. */
export const verifyFunctionCommand: ServerCommand = {
  id: 'orbit-ls.verifyFunction',
  aliases: ['orbit.verifyFunction'],
  async run(args, ctx, signal) {
    const uri = uriArg(args[0]);
    const doc = uri ? ctx.verification?.document(uri) : undefined;
    const position = positionArg(args[1]) ?? positionArg((args[0] as { position?: unknown } | undefined)?.position);
    if (!uri || !doc || !position || !ctx.verification) return null;
    return summary(await ctx.verification.service.verifyNow(uri, doc.offsetAt(position), signal));
  },
};

/** A hover on a verified function's first line: its consistency score and orbit size. */
export function verificationHover(params: HoverParams, doc: TextDocument | undefined, latest: (uri: string) => VerifyReport | undefined): Hover | null {
  const report = doc && latest(doc.uri);
  if (!doc || !report) return null;
  const line = params.position.line;
  const unit = report.units.find((u) => doc.positionAt(u.span.start).line === line);
  if (!unit) return null;
  return { contents: { kind: 'markdown', value: hoverText(unit) } };
}

function hoverText(u: UnitSummary): string {
  const saved = u.naiveCalls > 0 ? `, ${u.naiveCalls - u.modelCalls} fewer than the naive plan` : '';
  const verdict = u.orbitSize === 0 ? 'compared with the sandbox only' : `verdict: ${u.verdict}`;
  return `**orbit-ls** · ${u.name || 'function'}: consistency ${u.score.toFixed(2)} over an orbit of ${u.orbitSize} rewrites (${verdict}; ${u.modelCalls} model calls${saved})`;
}

function summary(report: VerifyReport | undefined): Record<string, unknown> {
  if (!report) return { cancelled: true };
  return {
    uri: report.uri,
    version: report.version,
    skipped: report.skipped,
    findings: report.findings.length,
    functions: report.units.map((u) => ({ name: u.name, orbitSize: u.orbitSize, score: u.score, verdict: u.verdict, modelCalls: u.modelCalls, naiveCalls: u.naiveCalls })),
  };
}

function uriArg(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const v = value as { uri?: unknown; textDocument?: { uri?: unknown } } | undefined;
  if (typeof v?.uri === 'string') return v.uri;
  if (typeof v?.textDocument?.uri === 'string') return v.textDocument.uri;
  return undefined;
}

function positionArg(value: unknown): Position | undefined {
  const v = value as Position | undefined;
  return typeof v?.line === 'number' && typeof v.character === 'number' ? { line: v.line, character: v.character } : undefined;
}
