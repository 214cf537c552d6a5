import type { ErrorObject } from 'ajv'
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
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
export function parseWithPositions(text: string, file: string): { data: unknown; positions: YamlPositions } {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true })
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, line: e.linePos?.[0].line, col: e.linePos?.[0].col, message: (e.message.split('\n', 1)[0] as string).replace(/ at line \d+, column \d+:?$/, '') }))
    )
  }
  return { data: doc.toJS() as unknown, positions: new YamlPositions(doc, lines) }
}

/** Schema errors as problems at the position of what they are about (the key, for unknown keys). */
export function schemaProblems(errors: readonly ErrorObject[], file: string, positions: YamlPositions, suffix = ''): InputProblem[] {
  const seen = new Set<string>()
  const problems: InputProblem[] = []
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue
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
