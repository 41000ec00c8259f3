// Where a diagnostic's code is explained: the rule's section in docs/rules.md as installed with
// orbit-ls (a file: URL with the heading's anchor), for clients that show codeDescription links.
// A code without a section there keeps the CWE page it was always linked to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** docs/rules.md beside server/dist in the installed package and in a checkout. */
const RULES_MD = path.resolve(__dirname, '..', '..', '..', 'docs', 'rules.md');

let anchors: Set<string> | undefined;

/** The link for a rule's documentation, or undefined when docs/rules.md has no section for it. */
export function ruleDocsUrl(ruleId: string): string | undefined {
  anchors ??= readAnchors(RULES_MD);
  const anchor = headingAnchor(ruleId);
  return anchors.has(anchor) ? `${pathToFileURL(RULES_MD).href}#${anchor}` : undefined;
}

/**
 * The anchor a Markdown renderer gives a heading (GitHub's rule, which VS Code's preview and most
 * others follow): lower case, punctuation other than `-` and `_` dropped, spaces become `-`.
 * "### orbit/inconsistent-effects" → "orbitinconsistent-effects".
 */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function readAnchors(file: string): Set<string> {
  try {
    const headings = fs.readFileSync(file, 'utf8').match(/^#{1,6}\s+.+$/gm) ?? [];
    return new Set(headings.map((h) => headingAnchor(h.replace(/^#+\s+/, ''))));
  } catch {
    // Installed without docs: every code keeps its CWE link.
    return new Set();
  }
}
