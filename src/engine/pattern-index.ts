/**
 * Many anchored patterns against many strings without trying every pattern on every string.
 * Each pattern is filed under its literal prefix (the text before its first wildcard) in a
 * character trie; a string only meets the patterns whose prefix it starts with, plus the few
 * that have no literal prefix. Depth is capped so a lookup is at most MAX_DEPTH steps.
 */
const MAX_DEPTH = 24

interface TrieNode {
  next: Map<number, TrieNode>
  entries: PatternEntry[]
}

export interface PatternEntry {
  control: number
  test(s: string): boolean
  /** True when no match in a string's tail can be missed by a search of the whole string. */
  fullImpliesOwn?: boolean
}

export class PatternIndex {
  private readonly root: TrieNode = { next: new Map(), entries: [] }
  private readonly exact = new Map<string, number[]>()
  size = 0

  /** `literal` is the pattern's fixed prefix; `whole` says the pattern is that literal and nothing more. */
  add(entry: PatternEntry, literal: string, whole: boolean): void {
    this.size++
    if (whole) {
      const list = this.exact.get(literal)
      if (list) list.push(entry.control)
      else this.exact.set(literal, [entry.control])
      return
    }
    let node = this.root
    const depth = Math.min(literal.length, MAX_DEPTH)
    for (let i = 0; i < depth; i++) {
      const code = literal.charCodeAt(i)
      let child = node.next.get(code)
      if (!child) {
        child = { next: new Map(), entries: [] }
        node.next.set(code, child)
      }
      node = child
    }
    node.entries.push(entry)
  }

  /** Calls `hit` with the control of every pattern that matches `s` (possibly more than once per control). */
  match(s: string, hit: (control: number) => void): void {
    if (this.size === 0) return
    const exact = this.exact.get(s)
    if (exact) for (const c of exact) hit(c)
    let node: TrieNode | undefined = this.root
    for (let i = 0; node; i++) {
      for (const e of node.entries) if (e.test(s)) hit(e.control)
      if (i >= s.length || i >= MAX_DEPTH) break
      node = node.next.get(s.charCodeAt(i))
    }
  }
}

const GLOB_META = /[*?[\]{}()!+@\\]/

/** The fixed text a glob starts with, and whether the glob is only that text. */
export function globLiteralPrefix(glob: string): { literal: string; whole: boolean } {
  const at = glob.search(GLOB_META)
  return at < 0 ? { literal: glob, whole: true } : { literal: glob.slice(0, at), whole: false }
}
