import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml'

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
