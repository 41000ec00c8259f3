// Models that hash their own passwords: a Mongoose `pre('save')` hook, a Sequelize `beforeCreate`
// hook, a TypeORM `@BeforeInsert()` method. Code that hands such a model the plaintext password
// stores a hash, so the plaintext-storage check trusts it.
import ts from 'typescript';
import { forEachNode } from './ast';

/** Events on which a hook runs before a document or row is written. */
const WRITE_EVENTS = /^(save|validate|updateOne|findOneAndUpdate|insertMany|beforeCreate|beforeSave|beforeUpdate|beforeUpsert|beforeBulkCreate|beforeValidate)$/;
/** Hook registration calls: schema.pre('save', fn), Model.addHook('beforeCreate', fn), Model.beforeCreate(fn). */
const HOOK_CALLS = /^(pre|addHook|hook|beforeCreate|beforeSave|beforeUpdate|beforeValidate)$/;
const HOOK_DECORATORS = /^(BeforeInsert|BeforeUpdate|BeforeCreate|BeforeSave)$/;
const HASHING = /hash|bcrypt|argon|scrypt|pbkdf2|kdf/i;

/** Whether the module registers a write hook whose body hashes (bcrypt, argon2, scrypt, pbkdf2). */
export function hashesPasswordsOnWrite(sourceFile: ts.SourceFile): boolean {
  let found = false;
  forEachNode(sourceFile, (n) => {
    if (found) return false;
    for (const hook of hookBodies(n)) if (hashes(hook)) found = true;
    return !found;
  });
  return found;
}

function hookBodies(n: ts.Node): ts.Node[] {
  if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && HOOK_CALLS.test(n.expression.name.text)) {
    const event = n.arguments[0];
    const named = event && ts.isStringLiteralLike(event) ? WRITE_EVENTS.test(event.text) : /^before/.test(n.expression.name.text);
    return named ? n.arguments.filter((a) => ts.isFunctionExpression(a) || ts.isArrowFunction(a) || ts.isIdentifier(a)) : [];
  }
  // Sequelize's `hooks: { beforeCreate: async (user) => { … } }` model option.
  if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && WRITE_EVENTS.test(n.name.text) && ts.isObjectLiteralExpression(n.parent)) {
    const owner = n.parent.parent;
    if (ts.isPropertyAssignment(owner) && owner.name.getText() === 'hooks') return [n.initializer];
  }
  if (ts.isMethodDeclaration(n) && (ts.getDecorators(n) ?? []).some((d) => HOOK_DECORATORS.test(decoratorName(d)))) return [n];
  return [];
}

function decoratorName(d: ts.Decorator): string {
  const e = d.expression;
  return (ts.isCallExpression(e) ? e.expression : e).getText();
}

/** A call to a hashing function inside the hook (or, for a named hook function, inside the file). */
function hashes(hook: ts.Node): boolean {
  let root = hook;
  if (ts.isIdentifier(hook)) {
    // `schema.pre('save', hashPassword)`: the named function is declared elsewhere in the module.
    const decl = findFunction(hook.getSourceFile(), hook.text);
    if (!decl) return false;
    root = decl;
  }
  let hit = false;
  forEachNode(root, (n) => {
    if (hit) return false;
    if (ts.isCallExpression(n) && HASHING.test(calleeName(n.expression))) hit = true;
    return !hit;
  });
  return hit;
}

function calleeName(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${calleeName(e.expression)}.${e.name.text}`;
  return '';
}

function findFunction(sf: ts.SourceFile, name: string): ts.Node | undefined {
  let out: ts.Node | undefined;
  forEachNode(sf, (n) => {
    if (out) return false;
    if (ts.isFunctionDeclaration(n) && n.name?.text === name) out = n;
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) out = n.initializer;
    return !out;
  });
  return out;
}

/** What the checks need to know about a module this file imports. */
export interface ModuleTraits {
  /** The module's models hash passwords themselves before every write. */
  hashesPasswords: boolean;
}

/** Traits of each imported module, by the specifier as written ('../models/User'). */
export function importedTraits(imports: Readonly<Record<string, { fileName: string; text: string }>>): Map<string, ModuleTraits> {
  const out = new Map<string, ModuleTraits>();
  for (const [specifier, mod] of Object.entries(imports)) {
    // Cheap text test first: most imported modules register no hook at all.
    if (!/\b(pre|addHook|hooks|before[A-Z]\w*|Before[A-Z]\w*)\b/.test(mod.text)) continue;
    const sf = ts.createSourceFile(mod.fileName, mod.text, ts.ScriptTarget.Latest, true);
    out.set(specifier, { hashesPasswords: hashesPasswordsOnWrite(sf) });
  }
  return out;
}
