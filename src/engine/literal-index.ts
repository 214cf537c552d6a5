import type { PatternEntry } from './pattern-index.js'

const ASCII = 128
/** Nodes up to which the ASCII transition table is kept (at most 8 MB). */
const DENSE_LIMIT = 16_384

interface AcNode {
  /** Position in breadth-first order: the row of this node in the dense ASCII table. */
  id: number
  next: Map<number, AcNode>
  fail: AcNode | null
  /** Entries whose literal ends here, plus (via `fail` links) those of its proper suffixes. */
  entries: PatternEntry[]
}

/**
 * Patterns filed under a literal they cannot match without (Aho-Corasick). One left-to-right pass
 * over a string finds every such literal it contains, so only those patterns are tried; patterns
 * with no usable literal are tried on every string.
 */
export class LiteralIndex {
  private readonly root: AcNode = { id: 0, next: new Map(), fail: null, entries: [] }
  private readonly always: PatternEntry[] = []
  /** Nodes in breadth-first order, and for ASCII the fully resolved next node: one read per character. */
  private nodes: AcNode[] = []
  private ascii: Int32Array | null = null
  private hasEntries = new Uint8Array(0)
  private built = false
  size = 0

  add(entry: PatternEntry, literal: string): void {
    this.size++
    this.built = false
    if (!literal) {
      this.always.push(entry)
      return
    }
    let node = this.root
    for (let i = 0; i < literal.length; i++) {
      const code = literal.charCodeAt(i)
      let child = node.next.get(code)
      if (!child) {
        child = { id: 0, next: new Map(), fail: null, entries: [] }
        node.next.set(code, child)
      }
      node = child
    }
    node.entries.push(entry)
  }

  /** Calls `hit` for every pattern that matches; a control may be reported more than once. */
  match(s: string, test: (entry: PatternEntry) => boolean, hit: (control: number) => void): void {
    if (this.size === 0) return
    if (!this.built) this.build()
    for (const e of this.always) if (test(e)) hit(e.control)
    let tried: Set<PatternEntry> | undefined
    const nodes = this.nodes
    const ascii = this.ascii
    const hasEntries = this.hasEntries
    let state = 0
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i)
      state = ascii !== null && code < ASCII ? (ascii[state * ASCII + code] as number) : this.step(nodes[state] as AcNode, code).id
      if (hasEntries[state] === 0) continue
      for (const e of (nodes[state] as AcNode).entries) {
        tried ??= new Set()
        if (tried.has(e)) continue
        tried.add(e)
        if (test(e)) hit(e.control)
      }
    }
  }

  /** One transition by the trie and its failure links. */
  private step(from: AcNode, code: number): AcNode {
    let node = from
    let next = node.next.get(code)
    while (!next && node !== this.root) {
      node = node.fail as AcNode
      next = node.next.get(code)
    }
    return next ?? this.root
  }

  /** Failure links, breadth first; each node inherits the entries of its longest suffix node. */
  private build(): void {
    const queue: AcNode[] = [this.root]
    for (const child of this.root.next.values()) {
      child.fail = this.root
      queue.push(child)
    }
    for (let head = 1; head < queue.length; head++) {
      const node = queue[head] as AcNode
      for (const [code, child] of node.next) {
        let f = node.fail
        while (f && !f.next.has(code)) f = f.fail
        child.fail = f ? (f.next.get(code) as AcNode) : this.root
        if (child.fail.entries.length > 0) child.entries = [...child.entries, ...child.fail.entries]
        queue.push(child)
      }
    }
    queue.forEach((node, id) => (node.id = id))
    this.nodes = queue
    this.hasEntries = Uint8Array.from(queue, (node) => (node.entries.length > 0 ? 1 : 0))
    // A dense table only while it stays small (4 bytes × 128 per node); past that, the trie walk.
    this.ascii = null
    if (queue.length <= DENSE_LIMIT) {
      const table = new Int32Array(queue.length * ASCII)
      // Breadth-first: a node's failure target is resolved before the node itself.
      for (const node of queue) {
        for (let code = 0; code < ASCII; code++) {
          const child = node.next.get(code)
          table[node.id * ASCII + code] = child ? child.id : node === this.root ? 0 : (table[(node.fail as AcNode).id * ASCII + code] as number)
        }
      }
      this.ascii = table
    }
    this.built = true
  }
}

/**
 * The longest run of text every match of a glob must contain. `*`/`?` end a run; classes,
 * braces and extglob groups are skipped whole (their text is not required verbatim); a negated
 * glob requires nothing.
 */
export function globRequiredLiteral(glob: string): string {
  if (glob.startsWith('!')) return ''
  const runs = new LongestRun()
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string
    if (ch === '\\' && i + 1 < glob.length) {
      runs.text += glob[++i]
    } else if (ch === '[' || ch === '{' || (ch === '(' && i > 0 && '@!+*?'.includes(glob[i - 1] as string))) {
      runs.end()
      i = skipGroup(glob, i)
    } else if ('*?+@!()'.includes(ch)) {
      runs.end()
    } else {
      runs.text += ch
    }
  }
  return runs.longest()
}

/**
 * The longest run of literal text every match of a regex must contain, or '' when unsure: any
 * alternation gives up, groups and classes are skipped, an atom a quantifier makes optional is
 * left out.
 */
export function regexRequiredLiteral(source: string): string {
  if (source.includes('|')) return ''
  const runs = new LongestRun()
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string
    if (ch === '\\') {
      const next = source[i + 1]
      i++
      if (next === undefined || /[A-Za-z0-9]/.test(next)) runs.end()
      else if (isOptionalNext(source, i + 1)) runs.end()
      else runs.text += next
    } else if (ch === '[' || ch === '(') {
      runs.end()
      i = skipGroup(source, i)
      if (isOptionalNext(source, i + 1)) i++
    } else if ('*?{'.includes(ch)) {
      // The atom before an optional quantifier was already left out of the run (isOptionalNext).
      runs.end()
      if (ch === '{') i = skipGroup(source, i)
    } else if ('.^$+)]}'.includes(ch)) {
      runs.end()
    } else if (isOptionalNext(source, i + 1)) {
      runs.end()
    } else {
      runs.text += ch
    }
  }
  return runs.longest()
}

/** Collects runs of literal text and keeps the longest. */
class LongestRun {
  text = ''
  private best = ''
  end(): void {
    if (this.text.length > this.best.length) this.best = this.text
    this.text = ''
  }
  longest(): string {
    this.end()
    return this.best
  }
}

function isOptionalNext(source: string, at: number): boolean {
  const q = source[at]
  return q === '*' || q === '?' || (q === '{' && /^\{0[,}]/.test(source.slice(at)))
}

/** Index of the bracket closing the one at `start` (nesting and escapes respected). */
function skipGroup(s: string, start: number): number {
  const open = s[start] as string
  const close = open === '[' ? ']' : open === '{' ? '}' : ')'
  let depth = 0
  for (let i = start; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (open === '[' && i > start) {
      if (ch === ']') return i
      continue
    }
    if (ch === open) depth++
    else if (ch === close && --depth === 0) return i
  }
  return s.length - 1
}
