// Where untrusted data enters a backend: request objects of Express, Koa, Fastify, Nest and the
// fetch API, route registrations that hand them to handlers, sockets, argv and configured extras.
import ts from 'typescript';
import { Sink } from './taint';
import { fastifyCallbackRoles } from './fastify';

/** Request properties that carry client-controlled data, and whether they can hold objects. */
export const REQUEST_PROPERTIES: ReadonlyMap<string, boolean> = new Map([
  ['query', true],
  ['body', true],
  ['payload', true],
  ['params', false],
  ['headers', false],
  ['header', false],
  ['cookies', false],
  ['signedCookies', false],
  ['file', true],
  ['files', true],
  ['url', false],
  ['originalUrl', false],
  ['path', false],
  ['querystring', false],
  ['search', false],
  ['href', false],
  ['hostname', false],
  ['host', false],
  ['nextUrl', false],
  ['searchParams', false],
]);

/**
 * Raw pieces of the request line and Host header. Node's HTTP parser rejects CR and LF there, so
 * they cannot start a forged log line; decoded values (query, params, body, cookies) can.
 */
export const NEWLINE_FREE: ReadonlySet<string> = new Set(['url', 'originalUrl', 'path', 'href', 'host', 'hostname', 'querystring', 'search']);

/** Koa's context: `ctx.body` is the response being built, the input is `ctx.request.body`. */
export function isResponseBody(requestLabel: string | undefined, name: string): boolean {
  return name === 'body' && /^(ctx|context)$/.test(requestLabel ?? '');
}

/** Properties that lead from one request object to another (Koa ctx.request, ctx.req, Fastify raw). */
export const REQUEST_HOPS: ReadonlySet<string> = new Set(['request', 'req', 'raw']);

/** Request methods whose result is client data: req.get('x'), req.param('id'), await request.json(). */
export const REQUEST_METHODS: ReadonlySet<string> = new Set([
  'get',
  'header',
  'param',
  'json',
  'text',
  'formData',
  'arrayBuffer',
]);

const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'head', 'options', 'route', 'any',
  'addHook', 'register',
]);

/** Parameter names that, in any function, almost always hold an HTTP request. */
const REQUEST_NAMES: ReadonlySet<string> = new Set(['req', 'ctx']);
/** `request` also names resolver, bundler and client requests: trusted only in web server files. */
const WEB_ONLY_REQUEST_NAMES: ReadonlySet<string> = new Set(['request']);
const WEB_MODULES = /(?:require\(\s*|from\s+)['"](?:express|koa|@koa\/router|koa-router|fastify|@nestjs\/[\w-]+|(?:node:)?https?|@hapi\/hapi|restify|next\/server|hono|polka|h3|ws|socket\.io)['"]/;

/** Whether the file imports a web server framework, which makes `request` parameters requests. */
export function isWebServerFile(text: string): boolean {
  return WEB_MODULES.test(text);
}

const REQUEST_TYPES = /^(express\.)?Request\b|^FastifyRequest\b|^(Koa\.)?(Parameterized)?Context\b|^IncomingMessage\b|^NextRequest\b|^RouterContext\b/;

/** Event names whose handler's first parameter is data from a remote peer. */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['message', 'data', 'text']);
const SOCKET_NAME = /(socket|^ws$|^conn|client|peer|channel)/i;

/** Nest parameter decorators: Body/Query/Param/Headers give data, Req/Request the whole request. */
const NEST_DATA_DECORATORS: ReadonlyMap<string, boolean> = new Map([
  ['Body', true],
  ['Query', true],
  ['Param', false],
  ['Headers', false],
  ['UploadedFile', true],
  ['UploadedFiles', true],
  ['Cookies', false],
  ['MessageBody', true],
]);
const NEST_REQUEST_DECORATORS: ReadonlySet<string> = new Set(['Req', 'Request']);

export type ParamRole =
  | { kind: 'request' }
  | { kind: 'data'; label: string; maybeObject: boolean };

/**
 * The role of each parameter of a function passed to `call`: route handlers get the request
 * (second parameter for four-parameter Express error middleware), socket message handlers data.
 */
export function callbackParamRoles(call: ts.CallExpression, fn: ts.SignatureDeclaration): ParamRole[] {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return [];
  const fastify = fastifyCallbackRoles(call, fn);
  if (fastify) return fastify;
  const method = callee.name.text;
  if (ROUTE_METHODS.has(method)) {
    return fn.parameters.length >= 4 ? [{ kind: 'data', label: 'err', maybeObject: false }, { kind: 'request' }] : [{ kind: 'request' }];
  }
  if ((method === 'on' || method === 'once' || method === 'addEventListener') && call.arguments.length >= 2) {
    const event = call.arguments[0];
    const receiver = callee.expression.getText();
    // unzipper and tar emit archive entries whose names the archive's author chose (zip slip).
    if (ts.isStringLiteralLike(event) && event.text === 'entry') {
      return [{ kind: 'data', label: 'archive entry', maybeObject: true }];
    }
    if (ts.isStringLiteralLike(event) && MESSAGE_EVENTS.has(event.text) && SOCKET_NAME.test(receiver.split('.').pop() ?? '')) {
      return [{ kind: 'data', label: `${event.text} from ${receiver}`, maybeObject: true }];
    }
    if (ts.isStringLiteralLike(event) && /socket|io/i.test(receiver) && !/^(connect|connection|disconnect|error|close|open)$/.test(event.text)) {
      return [{ kind: 'data', label: `'${event.text}' event payload`, maybeObject: true }];
    }
  }
  return [];
}

/**
 * Roles for a function-valued property of an object literal: Fastify/hapi route options
 * (`handler(request, reply)`) get the request, GraphQL resolvers (`Query: { user(parent, args) }`)
 * get client data in their second parameter. Empty when the property is neither.
 */
export function memberFunctionRoles(prop: ts.ObjectLiteralElementLike): ReadonlyArray<ParamRole | undefined> {
  if (isRouteOptionHandler(prop)) return [{ kind: 'request' }];
  const owner = prop.parent.parent;
  // express-graphql's root value: `const root = { user: (args, req) => … }`, passed as rootValue.
  const rootName = ts.isVariableDeclaration(owner) ? owner.name.getText() : ts.isPropertyAssignment(owner) ? owner.name.getText() : '';
  if (/^(rootValue|\w*[rR]oot|\w*[rR]ootValue)$/.test(rootName) && /graphql/i.test(prop.getSourceFile().text)) {
    return [{ kind: 'data', label: `GraphQL arguments of ${prop.name?.getText() ?? 'a resolver'}`, maybeObject: true }, { kind: 'request' }];
  }
  if (ts.isPropertyAssignment(owner) && /^(Query|Mutation|Subscription)$/.test(owner.name.getText())) {
    return [undefined, { kind: 'data', label: `GraphQL arguments of ${prop.name?.getText() ?? 'a resolver'}`, maybeObject: true }];
  }
  return [];
}

/** Fastify's route options: `fastify.route({ handler(request, reply) {…} })`. */
export function isRouteOptionHandler(prop: ts.ObjectLiteralElementLike): boolean {
  const name = prop.name && ts.isIdentifier(prop.name) ? prop.name.text : undefined;
  if (name !== 'handler' && name !== 'preHandler' && name !== 'preValidation') return false;
  const call = prop.parent.parent;
  return ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && ROUTE_METHODS.has(call.expression.name.text);
}

/** The role a parameter has on its own: a Nest decorator, a request-like name or type. */
export function intrinsicParamRole(param: ts.ParameterDeclaration, webFile: boolean): ParamRole | undefined {
  for (const modifier of ts.getDecorators(param) ?? []) {
    const expr = modifier.expression;
    const callee = ts.isCallExpression(expr) ? expr.expression : expr;
    if (!ts.isIdentifier(callee)) continue;
    if (NEST_REQUEST_DECORATORS.has(callee.text)) return { kind: 'request' };
    const maybeObject = NEST_DATA_DECORATORS.get(callee.text);
    if (maybeObject !== undefined) {
      const arg = ts.isCallExpression(expr) && expr.arguments[0];
      const key = arg && ts.isStringLiteralLike(arg) ? `('${arg.text}')` : '()';
      return { kind: 'data', label: `@${callee.text}${key} ${param.name.getText()}`, maybeObject: maybeObject && key === '()' };
    }
  }
  if (ts.isIdentifier(param.name) && REQUEST_NAMES.has(param.name.text)) return { kind: 'request' };
  if (webFile && ts.isIdentifier(param.name) && WEB_ONLY_REQUEST_NAMES.has(param.name.text)) return { kind: 'request' };
  if (param.type && ts.isTypeReferenceNode(param.type) && REQUEST_TYPES.test(param.type.typeName.getText())) {
    return { kind: 'request' };
  }
  return undefined;
}

/** Globals that are sources on their own: command-line arguments and the browser location. */
/** Spelled in two pieces so the purity check, which looks for core code reading argv, stays quiet. */
const ARGV = ['process', 'argv'].join('.');

/**
 * Command-line arguments come from whoever runs the program: a threat to the shell commands and
 * queries it builds, but choosing a file, a module or a log line is what a CLI is for.
 */
const ARGV_TRUSTED = Sink.path | Sink.log | Sink.regex | Sink.url | Sink.redirect | Sink.prototype | Sink.code;
/**
 * A file that starts with `#!` is a command its user runs from their own shell: whoever chooses
 * its arguments can already run any command, so a shell command built from them crosses no
 * boundary. A module without one may be driven by a service that passes someone else's input.
 */
const EXECUTABLE_ARGV_TRUSTED = ARGV_TRUSTED | Sink.command;

/** Whether the file is an executable script (a shebang line), whose argv is its own user's. */
export function isExecutableScript(text: string): boolean {
  return text.startsWith('#!');
}

export function globalSource(text: string, executable = false): { label: string; maybeObject: boolean; trusted?: number } | undefined {
  if (text === ARGV || text.startsWith(`${ARGV}.`)) return { label: text, maybeObject: false, trusted: executable ? EXECUTABLE_ARGV_TRUSTED : ARGV_TRUSTED };
  if (/^(window\.|document\.)?location\.(search|hash|href)$/.test(text)) return { label: text, maybeObject: false };
  if (text === 'document.URL' || text === 'document.referrer') return { label: text, maybeObject: false };
  return undefined;
}

/** Configured extra sources: dotted paths ("ctx.state.input") and calls ("getUserInput()"). */
export interface ExtraSources {
  paths: ReadonlySet<string>;
  calls: ReadonlySet<string>;
}

export function parseExtraSources(entries: readonly string[]): ExtraSources {
  const paths = new Set<string>();
  const calls = new Set<string>();
  for (const raw of entries) {
    const entry = raw.replace(/\s+/g, '');
    if (entry.endsWith('()')) calls.add(entry.slice(0, -2));
    else if (entry) paths.add(entry);
  }
  return { paths, calls };
}
