// The inline <script> blocks of a view as one JavaScript text of the same length, so findings in it
// keep the view's offsets: everything outside scripts becomes spaces (newlines kept), and template
// tags inside scripts (<%= x %>, {{ x }}) become a placeholder value of the same length.

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const TAG = /<%[\s\S]*?%>|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|#\{[^}]*\}|!\{[^}]*\}/g;

/** The scripts of a view, or undefined when it has none with code. */
export function inlineScripts(text: string): string | undefined {
  const out = blank(text).split('');
  let any = false;
  for (const m of text.matchAll(SCRIPT)) {
    const attrs = m[1];
    // External scripts and data blocks (application/json, text/template) hold no code to read.
    if (/\bsrc\s*=/.test(attrs) || (/\btype\s*=/.test(attrs) && !/\btype\s*=\s*["']?(text\/javascript|module|application\/javascript)/i.test(attrs))) continue;
    const start = m.index + m[0].indexOf('>') + 1;
    const body = m[2].replace(TAG, (tag) => placeholder(tag));
    for (let i = 0; i < body.length; i++) out[start + i] = body[i];
    if (body.trim()) any = true;
  }
  return any ? out.join('') : undefined;
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/** `0` padded with spaces, keeping any newlines the tag spanned. */
function placeholder(tag: string): string {
  return '0' + tag.slice(1).replace(/[^\n]/g, ' ');
}
