import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { truthy } from '@actions/expressions/result'
import { isBasicExpression, isBoolean, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import fg from 'fast-glob'

// GitHub Actions expressions (`${{ … }}`, `if:`), evaluated by GitHub's own expression engine
// (@actions/expressions) over the contexts the runner gives, with the status functions GitHub
// defines: for a job over the jobs it needs (all of its ancestors), for a step over the job's
// earlier steps.

/** What success(), failure() and cancelled() see where the expression is evaluated. */
export interface Status {
  success(): boolean
  failure(): boolean
  cancelled(): boolean
}

export interface Scope {
  /** Contexts by name (github, needs, steps, env, vars, secrets, job, runner, inputs, matrix, strategy), as plain JSON. */
  contexts: Record<string, unknown>
  status: Status
  /** hashFiles(): where its paths are resolved (the workspace); absent where GitHub does not allow it. */
  workspace?: string
}

const CONTEXTS = ['github', 'needs', 'steps', 'env', 'vars', 'secrets', 'job', 'jobs', 'runner', 'inputs', 'matrix', 'strategy']

/** Thrown for an expression that cannot be evaluated: the step (or job) fails with this message, as on GitHub. */
export class ExpressionFailure extends Error {}

function functions(scope: Scope): Map<string, FunctionDefinition> {
  const bool = (f: () => boolean) => () => new data.BooleanData(f())
  const defs: FunctionDefinition[] = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: bool(() => scope.status.success()) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: bool(() => scope.status.failure()) },
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: bool(() => scope.status.cancelled()) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: bool(() => true) },
    { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: (...args) => new data.StringData(hashFiles(scope, args.map((a) => a.coerceString()))) }
  ]
  return new Map(defs.map((d) => [d.name.toLowerCase(), d]))
}

/**
 * The runner's hashFiles(): the sha256 of the sha256 of every matching file (sorted), '' when none
 * match. Only where a workspace exists (steps); elsewhere GitHub's parser already refuses it.
 */
function hashFiles(scope: Scope, patterns: string[]): string {
  if (!scope.workspace) throw new ExpressionFailure('hashFiles() is not available here')
  const files = fg.sync(patterns, { cwd: scope.workspace, dot: false, onlyFiles: true }).sort()
  if (files.length === 0) return ''
  const all = createHash('sha256')
  for (const f of files) all.update(createHash('sha256').update(readFileSync(path.join(scope.workspace, f))).digest())
  return all.digest('hex')
}

/** Evaluates one expression (without `${{ }}`) to GitHub's data, or throws ExpressionFailure. */
export function evaluate(expression: string, scope: Scope): data.ExpressionData {
  const funcs = functions(scope)
  let tree
  try {
    tree = new Parser(new Lexer(expression).lex().tokens, CONTEXTS, [...funcs.values()]).parse()
  } catch (e) {
    throw new ExpressionFailure(`The expression is not valid: ${expression}: ${(e as Error).message}`)
  }
  const context = new data.Dictionary(...CONTEXTS.map((key) => ({ key, value: toData(scope.contexts[key] ?? {}) })))
  try {
    return new Evaluator(tree, context, funcs).evaluate()
  } catch (e) {
    throw new ExpressionFailure(`Error evaluating ${expression}: ${(e as Error).message}`)
  }
}

/** An `if:` (the parser has already given it its status function). */
export function condition(expression: string, scope: Scope): boolean {
  return truthy(evaluate(expression, scope))
}

export function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData
}

export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown
}

/** How the runner turns a value into a string (inputs, env): null is empty, the rest as GitHub coerces it. */
export function toText(value: data.ExpressionData): string {
  if (value.kind === data.Kind.Null) return ''
  return value.coerceString()
}

/** A template token (a `with:`, `env:`, `outputs:` mapping, a name) with its expressions evaluated, as plain JSON. */
export function tokenValue(token: TemplateToken | undefined, scope: Scope): unknown {
  if (token === undefined) return undefined
  if (isBasicExpression(token)) return fromData(evaluate(token.expression, scope))
  if (isString(token)) return token.value
  if (isNumber(token)) return token.value
  if (isBoolean(token)) return token.value
  if (isSequence(token)) {
    const out: unknown[] = []
    for (let i = 0; i < token.count; i++) out.push(tokenValue(token.get(i), scope))
    return out
  }
  if (isMapping(token)) {
    const out: Record<string, unknown> = {}
    for (const pair of token) out[String(tokenValue(pair.key, scope))] = tokenValue(pair.value, scope)
    return out
  }
  if (token.templateTokenType === 7) return null
  throw new ExpressionFailure(`the simulator cannot evaluate a ${token.typeName()} here (line ${token.line ?? '?'})`)
}

/** A mapping of strings (env, with, outputs), each value as the runner passes it. */
export function textMapping(token: TemplateToken | undefined, scope: Scope): Record<string, string> {
  if (token === undefined) return {}
  if (!isMapping(token)) throw new ExpressionFailure(`expected a mapping at line ${token.line ?? '?'}`)
  const out: Record<string, string> = {}
  for (const pair of token) {
    const key = String(tokenValue(pair.key, scope))
    out[key] = isBasicExpression(pair.value) ? toText(evaluate(pair.value.expression, scope)) : scalarText(tokenValue(pair.value, scope))
  }
  return out
}

/** A single value as text (a concurrency group, an environment name). */
export function textValue(token: TemplateToken | undefined, scope: Scope): string | undefined {
  if (token === undefined) return undefined
  return isBasicExpression(token) ? toText(evaluate(token.expression, scope)) : scalarText(tokenValue(token, scope))
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') throw new ExpressionFailure(`expected a string, not ${JSON.stringify(value)}`)
  return String(value)
}
