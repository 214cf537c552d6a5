import type { ErrorObject } from 'ajv'
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml'
import { ConfigError, type InputProblem } from '../errors.js'
import { describeSchemaError } from '../schemas.js'

/** Finds where a JSON-pointer-like path sits in the YAML source, for `FILE:LINE:COL` messages. */
export class YamlPositions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter
  ) {}

  /** Position of the value at `path`, or of its nearest existing ancestor. */
  of(path: readonly (string | number)[]): { line: number; col: number } {
    for (let len = path.length; len >= 0; len--) {
      const node = this.doc.getIn(path.slice(0, len), true) as Node | undefined
      if (node && typeof node === 'object' && node.range) return this.lines.linePos(node.range[0])
    }
    return { line: 1, col: 1 }
  }

  /** Position of the key `key` inside the mapping at `path` (e.g. an unknown key). */
  ofKey(path: readonly (string | number)[], key: string): { line: number; col: number } {
    const node = this.doc.getIn(path, true)
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key as Node | null
        if (k && 'value' in k && (k as { value: unknown }).value === key && k.range) return this.lines.linePos(k.range[0])
      }
    }
    return this.of(path)
  }

  /** The number of items of the sequence at `path` (0 when it is not a sequence). */
  length(path: readonly (string | number)[]): number {
    const node = this.doc.getIn(path, true)
    return isSeq(node) ? node.items.length : 0
  }
}

/** Splits an ajv instancePath (`/controls/0/tests/1`) into keys and indices. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/**
 * Parses YAML (or JSON, its subset) keeping every node's position. Syntax errors, duplicate keys
 * included, throw one ConfigError listing each at its line and column.
 */
export function parseWithPositions(text: string, file: string, maxChars = MAX_CONTROL_MAP_CHARS): { data: unknown; positions: YamlPositions } {
  if (text.length > maxChars) {
    throw ConfigError.at(file, `is ${(text.length / 1024 / 1024).toFixed(1)} MiB, over the ${maxChars / 1024 / 1024} MiB limit for this file: refused rather than read without bound`)
  }
  const lines = new LineCounter()
  let doc: Document
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true })
  } catch (e) {
    throw unreadable(e, file)
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, line: e.linePos?.[0].line, col: e.linePos?.[0].col, message: yamlMessage(e.message) }))
    )
  }
  let data: unknown
  try {
    // yaml refuses aliases that expand too far (an alias bomb) by throwing, with no position.
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    const alias = firstAlias(doc)
    const at = alias?.range ? lines.linePos(alias.range[0]) : { line: 1, col: 1 }
    if (/alias/i.test((e as Error).message)) throw ConfigError.at(file, 'YAML aliases expand too far (an alias bomb): refused as a resource-exhaustion attack', at.line, at.col)
    throw unreadable(e, file)
  }
  return { data, positions: new YamlPositions(doc, lines) }
}

/**
 * The largest control map read: a map of ~18,000 controls. The YAML library holds a map's whole
 * syntax tree (about 150 bytes per byte of YAML), so a bigger one would not stay in bounded memory.
 */
export const MAX_CONTROL_MAP_CHARS = 1024 * 1024

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined
  visit(doc, {
    Alias(_key, node) {
      found = node
      return visit.BREAK
    }
  })
  return found
}

/** Input the YAML library could not even parse (nesting deeper than its recursion): one clear line. */
function unreadable(e: unknown, file: string): ConfigError {
  if (e instanceof RangeError) return ConfigError.at(file, 'YAML nested too deeply to read: refused')
  return ConfigError.at(file, `cannot be read as YAML: ${(e as Error).message.split('\n', 1)[0] as string}`)
}

/** Schema errors as problems at the position of what they are about (the key, for unknown keys). */
export function schemaProblems(errors: readonly ErrorObject[], file: string, positions: YamlPositions, suffix = ''): InputProblem[] {
  const seen = new Set<string>()
  const problems: InputProblem[] = []
  // "One of these keys is required" (anyOf of required): one problem, not one per missing key.
  const folded = new Set<ErrorObject>()
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const branches = errors.filter((e) => e.schemaPath.startsWith(`${any.schemaPath}/`))
    if (branches.length === 0 || !branches.every((e) => e.keyword === 'required')) continue
    for (const b of branches) folded.add(b)
    const keys = branches.map((b) => (b.params as { missingProperty: string }).missingProperty)
    const at = positions.of(pointerToPath(any.instancePath))
    problems.push({ file, ...at, message: `${any.instancePath || '/'}: needs ${keys.map((k) => `"${k}"`).join(' or ')} (or both): without, nothing could prove it${suffix}` })
  }
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || folded.has(e)) continue
    const path = pointerToPath(e.instancePath)
    const { message, key } = describeSchemaError(e)
    const at = key ? positions.ofKey(path, key) : positions.of(path)
    const text = `${e.instancePath || '/'}: ${message}${suffix}`
    const id = `${at.line}:${at.col}:${text}`
    if (seen.has(id)) continue
    seen.add(id)
    problems.push({ file, ...at, message: text })
  }
  return problems
}

/** The first line of a YAML error, without the position the problem already carries. */
function yamlMessage(message: string): string {
  if (message.includes('Maximum call stack size exceeded')) return 'YAML nested too deeply to read: refused'
  return (message.split('\n', 1)[0] as string).replace(/ at line \d+, column \d+:?$/, '')
}
