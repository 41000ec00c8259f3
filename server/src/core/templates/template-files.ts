// What a template file is, from its name alone: its template language and the view names a render
// call may use for it. Kept apart from the modules that parse (raw-output.ts, render-sites.ts), so
// that walking a tree, keying check's findings cache and routing a document load no parser.

/** The names a render call may use for a template file: 'api/lastfm', 'api/lastfm.pug', 'lastfm'. */
export function viewNames(templateFile: string): string[] {
  const norm = templateFile.replace(/\\/g, '/').replace(/^file:\/\//, '');
  const parts = norm.split('/');
  const lower = parts.map((p) => p.toLowerCase());
  const at = lower.lastIndexOf('views') >= 0 ? lower.lastIndexOf('views') : lower.lastIndexOf('templates');
  const rel = at >= 0 ? parts.slice(at + 1).join('/') : parts[parts.length - 1];
  const noExt = rel.replace(/\.[a-z]+$/i, '');
  return [...new Set([rel, noExt])];
}

/**
 * The name of an empty entry among a template's renderers saying that they are every file of the
 * project with a render call or one that sets view locals, so names no render call passes can be
 * traced to the middleware that sets them.
 */
export const ALL_RENDERERS = '<all-renderers>';

export type TemplateKind = 'ejs' | 'pug' | 'handlebars' | 'nunjucks' | 'html';

const KIND_BY_EXTENSION: Record<string, TemplateKind> = {
  ejs: 'ejs',
  pug: 'pug',
  jade: 'pug',
  hbs: 'handlebars',
  handlebars: 'handlebars',
  mustache: 'handlebars',
  njk: 'nunjucks',
  nunjucks: 'nunjucks',
  html: 'html',
};

/** The template language a file name implies, or undefined when it is not a template. */
export function templateKind(fileName: string): TemplateKind | undefined {
  const m = /\.([a-z]+)$/i.exec(fileName);
  return m ? KIND_BY_EXTENSION[m[1].toLowerCase()] : undefined;
}
