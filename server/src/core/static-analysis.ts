// The static pass: one document in, findings and errors out. Pure and synchronous.
import type { AnalysisError, AnalysisResult, Finding, LanguageKind, RuleLevel, StaticOptions } from './types';
import { languageFromFileName, SOURCE_EXTENSIONS } from './types';
import { parseDocument, parseDocumentIncrementally, type TreeSlot } from './source/parse';
import { buildTaintFacts } from './security/engine';
import { runRules } from './security/registry';
import { applySuppressions } from './security/suppression';
import { levelsForFile } from './security/test-files';
import { analyzeTemplate, templateKind } from './templates/raw-output';
import { inlineScripts } from './templates/scripts';
import { allRules as registeredRules } from './security/registry';
import { importedTraits } from './security/model-hooks';
import { crossFileFindings, importedCalls, summariseImports, type ImportedModule } from './security/imports';
import { callerControlledFindings } from './workspace/caller-controlled';
import { attachAppView } from './workspace/policy';

export interface DocumentInput {
  /** File name or URI; its extension picks the language when `language` is absent. */
  fileName: string;
  text: string;
  language?: LanguageKind;
  /**
   * Texts of the modules this document imports by relative specifier, keyed by the specifier as
   * written ('./db'). The caller reads them; core summarises their exported functions so taint is
   * followed one level across files. For a template, the source files that render it (keyed by
   * path), so the xss rule can tell server-made values from user data.
   */
  imports?: Record<string, ImportedModule>;
}

export { allRules, ruleById } from './security/registry';
export { suppressionEdit, applySuppressions } from './security/suppression';
export type { RuleMeta } from './security/rule';
export type { ImportedModule } from './security/imports';
export { templateKind } from './templates/raw-output';

export type { TreeSlot } from './source/parse';

/**
 * Analyses one document. Never throws: problems with the input come back as errors. With a
 * `tree` slot (the caller keeps one per open document), the parse reuses the document's previous
 * tree for the code an edit did not touch; the findings are the same as without it.
 */
export function analyzeDocument(input: DocumentInput, options: StaticOptions, tree?: TreeSlot): AnalysisResult {
  const errors: AnalysisError[] = [];
  try {
    const language = input.language ?? languageFromFileName(input.fileName);
    if (!language && templateKind(input.fileName)) {
      if (input.text.length > options.maxFileSize) return fail('limit', `The template has ${input.text.length} characters, more than the limit of ${options.maxFileSize}; it was not analysed.`);
      const renderers = input.imports ? Object.values(input.imports) : [];
      const findings = [...analyzeTemplate(input.fileName, input.text, options.rules, renderers, options.extraSources), ...scriptFindings(input.text, options, errors)];
      return { findings: findings.sort(byPosition), errors };
    }
    if (!language) {
      return fail('unsupported', `${input.fileName} is not a JavaScript or TypeScript file; orbit-ls analyses ${SOURCE_EXTENSIONS.join(' ')}.`);
    }
    const text = input.text;
    if (text.length > options.maxFileSize) {
      return fail(
        'limit',
        `The file has ${text.length} characters, more than the limit of ${options.maxFileSize}; it was not analysed. Raise orbit.maxFileSize to check it.`,
      );
    }
    if (text.includes('\u0000')) {
      return fail('unsupported', 'The file contains NUL bytes and looks binary; it was not analysed.');
    }
    const parsed = tree ? parseDocumentIncrementally(tree, text, language, errors) : parseDocument(text, language, errors);
    if (!parsed) return { findings: [], errors };
    const summaries = input.imports ? summariseImports(input.imports, errors) : undefined;
    const facts = buildTaintFacts(parsed.sourceFile, {
      extraSources: options.extraSources,
      ...(summaries ? { importedCall: importedCalls(summaries) } : {}),
      ...(input.imports ? { importedTraits: importedTraits(input.imports) } : {}),
    });
    errors.push(...facts.errors);
    attachAppView(facts, input.imports, summaries);
    const levels = levelsForFile(input.fileName, options.rules);
    const findings = runRules({ sourceFile: parsed.sourceFile, text, language, facts, levels }, errors);
    if (summaries) findings.push(...crossFileFindings(facts, summaries, levels));
    findings.push(...callerControlledFindings(input.fileName, text, parsed.sourceFile, levels, findings));
    return { findings: applySuppressions(text, findings).sort(byPosition), errors };
  } catch (err) {
    const overflow = err instanceof RangeError;
    errors.push({
      kind: overflow ? 'limit' : 'internal',
      message: overflow
        ? 'The file is nested too deeply to analyse; it was skipped.'
        : `Analysis failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    });
    return { findings: [], errors };
  }
}

/** The browser rules over a view's inline scripts; the server-side rules do not apply there. */
function scriptFindings(text: string, options: StaticOptions, errors: AnalysisError[]): Finding[] {
  const scripts = inlineScripts(text);
  if (!scripts) return [];
  const level = options.rules['dom-xss'] ?? 'warning';
  if (level === 'off') return [];
  const levels: Record<string, RuleLevel> = Object.fromEntries(registeredRules().map((r) => [r.id, 'off' as const]));
  levels['dom-xss'] = level;
  // The xss rule's browser sinks (the URL or referrer into innerHTML, document.write) apply too.
  levels.xss = options.rules.xss ?? 'error';
  const parsed = parseDocument(scripts, 'js', []);
  if (!parsed) return [];
  const facts = buildTaintFacts(parsed.sourceFile, { extraSources: options.extraSources });
  const findings = runRules({ sourceFile: parsed.sourceFile, text: scripts, language: 'js', facts, levels }, errors);
  return applySuppressions(text, findings);
}

function fail(kind: AnalysisError['kind'], message: string): AnalysisResult {
  return { findings: [], errors: [{ kind, message }] };
}

function byPosition(a: Finding, b: Finding): number {
  return a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId);
}
