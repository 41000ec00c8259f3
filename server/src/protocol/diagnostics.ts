// Engine reports → LSP diagnostics. Each diagnostic carries in `data` everything its code actions
// need (fix edits as ranges, the suppression edit, the version), so code actions are stateless.
import { DiagnosticSeverity, type Diagnostic, type Range, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import { TextDocument as TextDocumentImpl } from 'vscode-languageserver-textdocument';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity, Span, TextEdit } from '../core/types';
import type { DocumentReport } from '../engine/document-analysis';
import { suppressionEdit } from '../core/security/suppression';
import { ruleDocsUrl } from './rule-docs';

export const SOURCE = 'orbit-ls';
export const INCOMPLETE_CODE = 'analysis-incomplete';

/** What a finding's diagnostic carries for its code actions. */
export interface FindingData {
  /** The document version the ranges below refer to; actions are offered only for that version. */
  version: number;
  ruleId: string;
  fixes: { title: string; edits: LspTextEdit[] }[];
  suppress?: LspTextEdit;
}

export interface DiagnosticOptions {
  relatedInformation: boolean;
  /** The client shows codeDescription links: each finding links to its rule's documentation. */
  codeDescription?: boolean;
}

export function toDiagnostics(report: DocumentReport, doc: TextDocument, options: DiagnosticOptions): Diagnostic[] {
  const findings = report.findings.map((f) => findingDiagnostic(f, report, doc, options));
  const notices = report.notices.map(
    (n): Diagnostic => ({
      range: n.span ? toRange(doc, n.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: SOURCE,
      code: n.code ?? INCOMPLETE_CODE,
      message: n.message,
    }),
  );
  return [...findings, ...notices];
}

function findingDiagnostic(f: Finding, report: DocumentReport, doc: TextDocument, options: DiagnosticOptions): Diagnostic {
  const { version, imported } = report;
  const primary = f.cwe[0];
  const data: FindingData = {
    version,
    ruleId: f.ruleId,
    fixes: (f.fixes ?? []).map((fix) => ({ title: fix.title, edits: fix.edits.map((e) => toLspEdit(doc, e)) })),
    suppress: toLspEdit(doc, suppressionEdit(doc.getText(), f)),
  };
  const diagnostic: Diagnostic = {
    range: toRange(doc, f.span),
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.ruleId,
    // eglot shows neither code nor codeDescription, so the CWE must be in the text itself.
    message: primary && !f.message.includes(`(${primary})`) ? `${f.message} (${primary})` : f.message,
    data,
  };
  if (options.codeDescription) {
    const href = ruleDocsUrl(f.ruleId) ?? (primary ? cweUrl(primary) : undefined);
    if (href) diagnostic.codeDescription = { href };
  }
  if (options.relatedInformation && f.flow && f.flow.length > 0) {
    const others = new Map<string, TextDocument | undefined>();
    diagnostic.relatedInformation = f.flow.flatMap((step) => {
      if (!step.fileName) return [{ location: { uri: doc.uri, range: toRange(doc, step.span) }, message: step.message }];
      // A step in an imported module (taint across files): its range is computed in that file.
      if (!others.has(step.fileName)) others.set(step.fileName, importedDocument(step.fileName, imported));
      const other = others.get(step.fileName);
      return other ? [{ location: { uri: other.uri, range: toRange(other, step.span) }, message: step.message }] : [];
    });
  }
  return diagnostic;
}

/**
 * The imported file a flow step points into, with the very text the analysis read (the editor's
 * buffer if it is open, else the file on disk), so the spans land where they were computed.
 */
function importedDocument(fileName: string, imported: DocumentReport['imported']): TextDocument | undefined {
  const text = imported?.[fileName];
  return text === undefined ? undefined : TextDocumentImpl.create(pathToFileURL(fileName).href, 'javascript', 0, text);
}

/** "CWE-89" → https://cwe.mitre.org/data/definitions/89.html */
export function cweUrl(cwe: string): string {
  return `https://cwe.mitre.org/data/definitions/${cwe.replace(/^CWE-/i, '')}.html`;
}

export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

function toLspEdit(doc: TextDocument, edit: TextEdit): LspTextEdit {
  return { range: toRange(doc, edit.span), newText: edit.newText };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function isFindingData(value: unknown): value is FindingData {
  const d = value as FindingData | undefined;
  return typeof d === 'object' && d !== null && typeof d.version === 'number' && typeof d.ruleId === 'string' && Array.isArray(d.fixes);
}
