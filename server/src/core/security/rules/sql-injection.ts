// CWE-89: request data spliced into a SQL string run by sqlite3, better-sqlite3, pg, mysql/mysql2,
// sequelize, knex or TypeORM. Parameterised queries and tagged-template builders are safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { sqlParameterFix, type PlaceholderStyle } from '../fixes/sql-parameters';
import { incrementalSqlFix } from '../fixes/sql-incremental';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { builderOf } from '../parts';
import { unwrap } from '../ast';
import { enclosingFunction, escapeRegExp } from '../sinks';

/** Query-running methods per driver module; `statement` marks better-sqlite3's prepare/exec. */
const DRIVERS: ReadonlyArray<{ modules: RegExp; methods: ReadonlySet<string>; style: PlaceholderStyle }> = [
  { modules: /^better-sqlite3$/, methods: new Set(['prepare', 'exec']), style: 'statement' },
  { modules: /^(sqlite3|sqlite)$/, methods: new Set(['run', 'get', 'all', 'each', 'exec', 'prepare', 'map']), style: 'question' },
  { modules: /^(pg|pg-pool|pg-promise|@vercel\/postgres|@neondatabase\/serverless)$/, methods: new Set(['query', 'none', 'one', 'any', 'many', 'oneOrNone', 'manyOrNone']), style: 'dollar' },
  { modules: /^(mysql|mysql2)(\/promise)?$/, methods: new Set(['query', 'execute']), style: 'question' },
];

/** Query builders and ORMs whose raw-SQL entry points take a string. */
const RAW_SQL: ReadonlyArray<{ modules: RegExp; methods: ReadonlySet<string>; style?: PlaceholderStyle }> = [
  { modules: /^(sequelize|@sequelize\/core)$/, methods: new Set(['query']), style: 'replacements' },
  { modules: /^knex$/, methods: new Set(['raw', 'whereRaw', 'havingRaw', 'orderByRaw', 'joinRaw', 'selectRaw', 'groupByRaw']), style: 'question' },
  { modules: /^typeorm$/, methods: new Set(['query']) },
  { modules: /^@prisma\/client$/, methods: new Set(['$queryRawUnsafe', '$executeRawUnsafe']) },
  { modules: /^(postgres)$/, methods: new Set(['unsafe']) },
];

/** Receivers that hold a database handle when the file does not show where it came from. */
const DB_NAME = /^(this\.)?(db|database|sqlite|conn|connection|client|pool|pgPool|mysqlPool|pg|tx|trx|knex|sequelize|dataSource|manager|entityManager|queryRunner|prisma)$/i;
const GUESSED_METHODS = new Set(['query', 'execute', 'run', 'all', 'get', 'each', 'exec', 'prepare', 'raw', '$queryRawUnsafe', '$executeRawUnsafe']);
const SQL_TEXT = /\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|DROP\s|ALTER\s+TABLE|REPLACE\s+INTO|PRAGMA\s|WITH\s+\w+\s+AS)/i;

export const sqlInjection: TaintRule = {
  meta: {
    id: 'sql-injection',
    cwe: ['CWE-89'],
    defaultSeverity: 'error',
    title: 'SQL injection',
    description:
      'User input is spliced into a SQL string, so a request can change the query (`\' OR \'1\'=\'1`, `UNION SELECT …`). Pass values as query parameters instead.',
    docsUrl: cweUrl('CWE-89'),
    hasFix: true,
    constraint: 'Never build SQL text from request data; pass values as query parameters (?, $1, named placeholders).',
    taint: { sink: 'sql', sinkNoun: 'a SQL query', attackPayload: "' OR '1'='1" },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!ts.isCallExpression(call.node) || call.args.length === 0) continue;
      const sink = sqlSink(ctx, call);
      if (!sink) continue;
      let arg = call.args[0];
      // pg's query config object: { text, values }.
      if (ts.isObjectLiteralExpression(arg)) {
        const text = arg.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'text');
        if (!text || !ts.isPropertyAssignment(text)) continue;
        arg = text.initializer;
      }
      const taint = ctx.taintAt(arg, 'sql');
      if (!taint) continue;
      const builder = builderOf(ctx.facts.definitionOf, arg);
      if (sink.guessed && !looksLikeSql(builder)) continue;
      const how = builder && ts.isTemplateExpression(builder) ? 'a template literal' : builder && ts.isBinaryExpression(builder) ? 'string concatenation' : undefined;
      const message = how
        ? `User input from ${taint.label} reaches a SQL query built by ${how}`
        : taint.direct
          ? `User input from ${taint.label} is run as a SQL query`
          : `User input from ${taint.label} reaches a SQL query string`;
      const fix = builder && sink.style && builderUsedOnce(arg, builder)
        ? sqlParameterFix({
            call: call.node,
            arg,
            builder,
            style: sink.style,
            isTainted: (n) => ctx.taintAt(n, 'sql') !== undefined,
          })
        : undefined;
      const incremental = !fix && !builder && sink.style && ts.isIdentifier(unwrap(arg))
        ? incrementalSqlFix({ call: call.node, arg: unwrap(arg) as ts.Identifier, style: sink.style, text: ctx.text, isTainted: (n) => ctx.taintAt(n, 'sql') !== undefined })
        : undefined;
      ctx.report({
        node: arg,
        message,
        taint,
        sink: `reaches ${call.qualifier ? call.qualifier + '.' : ''}${call.name}()`,
        fixes: arg !== call.args[0] ? [] : fix ? [fix] : incremental ? [incremental] : [],
      });
    }
  },
};

interface SqlSink {
  style?: PlaceholderStyle;
  /** The driver was inferred from the receiver's name, so the query text must look like SQL. */
  guessed: boolean;
}

function sqlSink(ctx: RuleContext, call: CallSite): SqlSink | undefined {
  const mod = call.callee?.module.replace(/^node:/, '');
  if (mod && call.callee) {
    const path = call.callee.path;
    // Statements from prepare() take parameters, not SQL: db.prepare(sql).get(id).
    if (path.slice(0, -1).includes('prepare')) return undefined;
    for (const d of DRIVERS) if (d.modules.test(mod) && d.methods.has(call.name)) return { style: d.style, guessed: false };
    for (const r of RAW_SQL) if (r.modules.test(mod) && r.methods.has(call.name)) return { style: r.style, guessed: false };
    // A known package that is not a SQL driver; handles from the project's own modules
    // (require('./db')) fall through to the name-based guess below.
    if (!/^[./~@]/.test(mod) || /^@(nestjs|types)\//.test(mod)) return undefined;
  }
  if (!call.qualifier || !GUESSED_METHODS.has(call.name)) return undefined;
  // The handle is often a member of what the app passes around: db.sequelize, models.sequelize, app.locals.db.
  const last = call.qualifier.split('.').pop() ?? '';
  if (!DB_NAME.test(call.qualifier) && !DB_NAME.test(last)) return undefined;
  return { style: guessStyle(ctx, call.name), guessed: true };
}

function guessStyle(ctx: RuleContext, method: string): PlaceholderStyle | undefined {
  const m = ctx.facts.modules;
  if (m.has('better-sqlite3')) return method === 'prepare' || method === 'exec' ? 'statement' : undefined;
  if (m.has('pg') || m.has('pg-pool')) return 'dollar';
  if ([...m].some((x) => /^(sqlite3|sqlite|mysql|mysql2)(\/promise)?$/.test(x))) return 'question';
  return undefined;
}

/** The expression that built the query string: the argument, or its variable's only definition. */
function looksLikeSql(builder: ts.Expression | undefined): boolean {
  return builder !== undefined && SQL_TEXT.test(builder.getText());
}


/**
 * Rewriting a query variable's definition is only safe when this call is its one use: another
 * call would get placeholders without values.
 */
function builderUsedOnce(arg: ts.Expression, builder: ts.Expression): boolean {
  const id = unwrap(arg);
  if (!ts.isIdentifier(id) || builder === id) return true;
  const scope = enclosingFunction(builder);
  const uses = scope.getText().match(new RegExp(`\\b${escapeRegExp(id.text)}\\b`, 'g'))?.length ?? 0;
  return uses <= 2;
}
