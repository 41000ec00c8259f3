// Edits instead of texts: what an editor changed between two versions of a document, as plain
// offsets, and replaying them on a copy of the older version. The server records the editor's
// incremental changes; a worker that kept an earlier version rebuilds the new text from them
// instead of receiving the whole document again. Pure.

/** One replacement in the text it applies to: [start, end) becomes `text`. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** The changes that took a document from version `from` to version `to`, applied in order. */
export interface EditStep {
  from: number;
  to: number;
  changes: TextChange[];
}

/**
 * How to reach a version from the earlier versions a worker may have kept: consecutive steps,
 * oldest first, ending at `version`, and the length of the text they give (a cheap check that the
 * replay reproduced the editor's text). `generation` names one opening of the document: versions
 * start again when a document is closed and opened, and a text kept from before is not its past.
 */
export interface EditChain {
  generation: number;
  version: number;
  steps: EditStep[];
  length: number;
}

/** A document version someone kept. */
export interface KeptText {
  generation: number;
  version: number;
  text: string;
}

/**
 * The text `chain` leads to from `kept`, or undefined when the chain does not start at or before
 * the kept version (or a change does not fit the text, or the length differs): the caller then
 * needs the whole text.
 */
export function replay(kept: KeptText | undefined, chain: EditChain): string | undefined {
  if (!kept || kept.generation !== chain.generation) return undefined;
  let text = kept.text;
  let version = kept.version;
  if (version !== chain.version) {
    let at = chain.steps.findIndex((s) => s.from === version);
    if (at < 0) return undefined;
    for (; at < chain.steps.length; at++) {
      const step = chain.steps[at]!;
      if (step.from !== version) return undefined;
      for (const change of step.changes) {
        if (!(0 <= change.start && change.start <= change.end && change.end <= text.length)) return undefined;
        text = text.slice(0, change.start) + change.text + text.slice(change.end);
      }
      version = step.to;
    }
  }
  return version === chain.version && text.length === chain.length ? text : undefined;
}
