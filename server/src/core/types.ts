// Plain data shared by every layer: spans, findings, fixes and analysis results.
// Everything here is structured-clone-safe so it can cross into and out of worker threads.

/** A half-open range of UTF-16 code-unit offsets into a document's text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A rule's configured level: a severity, or off. */
export type RuleLevel = Severity | 'off';

export type LanguageKind = 'js' | 'jsx' | 'ts' | 'tsx';

export interface TextEdit {
  span: Span;
  newText: string;
}

/** A deterministic rewrite that removes a finding; edits are relative to the analysed text. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** One hop of a source-to-sink path, for relatedInformation and SARIF codeFlows. */
export interface FlowStep {
  span: Span;
  message: string;
  /** Set when the step is in another file than the finding (cross-file taint); the span is in that file. */
  fileName?: string;
}

export interface Finding {
  /** Stable rule id, e.g. "sql-injection". */
  ruleId: string;
  /** CWE ids in the form "CWE-89"; the first is the primary one. */
  cwe: string[];
  severity: Severity;
  /** A sentence for the user; ends with the primary CWE in parentheses, e.g. "… (CWE-89)". */
  message: string;
  span: Span;
  /** Source-to-sink path, source first. */
  flow?: FlowStep[];
  fixes?: Fix[];
}

export interface AnalysisError {
  kind: 'syntax' | 'limit' | 'unsupported' | 'internal';
  message: string;
  span?: Span;
}

/** What analysis returns: never throws on user code, reports errors beside results instead. */
export interface AnalysisResult {
  findings: Finding[];
  errors: AnalysisError[];
}

/** Options the static pass needs; built from settings by config/, passed in explicitly. */
export interface StaticOptions {
  /** Per-rule level overrides keyed by rule id; rules not listed use their default severity. */
  rules: Record<string, RuleLevel>;
  /** Extra taint sources as dotted access paths, e.g. "ctx.state.input" or "getUserInput()". */
  extraSources: string[];
  /** Documents larger than this many characters are not analysed (an AnalysisError of kind 'limit'). */
  maxFileSize: number;
}

export const DEFAULT_STATIC_OPTIONS: StaticOptions = {
  rules: {},
  extraSources: [],
  maxFileSize: 2_000_000,
};

/** Picks the language from a file name (or URI) extension; undefined for anything else. */
/** The file extensions orbit-ls analyses, as messages list them. */
export const SOURCE_EXTENSIONS: readonly string[] = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'];

export function languageFromFileName(fileName: string): LanguageKind | undefined {
  const m = /\.(c|m)?(js|jsx|ts|tsx)$/i.exec(fileName);
  if (!m) return undefined;
  return m[2].toLowerCase() as LanguageKind;
}

/** Maps an LSP languageId to our language kind; undefined for unsupported languages. */
export function languageFromId(languageId: string): LanguageKind | undefined {
  switch (languageId) {
    case 'javascript':
      return 'js';
    case 'javascriptreact':
      return 'jsx';
    case 'typescript':
      return 'ts';
    case 'typescriptreact':
      return 'tsx';
    default:
      return undefined;
  }
}
