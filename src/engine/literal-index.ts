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
  /** Per entry (by its number): the last scan that tried it, so one scan tries it once, with nothing allocated. */
  private readonly entryIds = new Map<PatternEntry, number>()
  private triedIn = new Uint32Array(0)
  private scans = 0
  size = 0

  add(entry: PatternEntry, literal: string): void {
    this.size++
    this.built = false
    if (!this.entryIds.has(entry)) this.entryIds.set(entry, this.entryIds.size)
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
    const scan = ++this.scans
    const nodes = this.nodes
    const ascii = this.ascii
    const hasEntries = this.hasEntries
    const triedIn = this.triedIn
    const ids = this.entryIds
    let state = 0
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i)
      state = ascii !== null && code < ASCII ? (ascii[state * ASCII + code] as number) : this.step(nodes[state] as AcNode, code).id
      if (hasEntries[state] === 0) continue
      for (const e of (nodes[state] as AcNode).entries) {
        const id = ids.get(e) as number
        if (triedIn[id] === scan) continue
        triedIn[id] = scan
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
    this.triedIn = new Uint32Array(this.entryIds.size)
    this.scans = 0
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
 * The longest run of literal text every match of a regex must contain, or '' when unsure: an
 * alternation outside every group gives up, groups and classes are skipped, an atom a quantifier
 * makes optional is left out.
 */
export function regexRequiredLiteral(source: string): string {
  if (hasTopLevelAlternation(source)) return ''
  const runs = new LongestRun()
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string
    if (ch === '\\') {
      const next = source[i + 1]
      i++
      if (next === undefined || /[A-Za-z0-9]/.test(next)) {
        // An escape with an argument (`\x41`, `\x{41}`, `\101`, `\pL`, `\p{Greek}`) stands for one
        // character that is not the text written: its argument is no literal either.
        runs.end()
        i = escapeEnd(source, i)
        if (isOptionalNext(source, i + 1)) i++
      } else if (isOptionalNext(source, i + 1)) runs.end()
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

/**
 * True when the regex has a `|` outside every group and class: then no literal is required. A
 * `|` inside a group only makes that group's text optional, and groups are skipped whole anyway.
 */
function hasTopLevelAlternation(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]
    if (ch === '\\') i++
    else if (ch === '[' || ch === '(') {
      const end = skipGroup(source, i)
      // An unclosed group (not a valid regex anyway): unsure, so no literal.
      if (source[end] !== (ch === '[' ? ']' : ')')) return true
      i = end
    } else if (ch === '|') return true
  }
  return false
}

/** Index of the last character of the escape whose letter or digit is at `at` (RE2 syntax). */
function escapeEnd(source: string, at: number): number {
  const letter = source[at]
  if (letter === 'x' || letter === 'p' || letter === 'P') {
    if (source[at + 1] === '{') {
      const close = source.indexOf('}', at + 2)
      return close < 0 ? source.length - 1 : close
    }
    if (letter !== 'x') return Math.min(at + 1, source.length - 1)
    let i = at
    while (i < at + 2 && /[0-9A-Fa-f]/.test(source[i + 1] ?? '')) i++
    return i
  }
  if (letter !== undefined && /[0-7]/.test(letter)) {
    let i = at
    while (i < at + 2 && /[0-7]/.test(source[i + 1] ?? '')) i++
    return i
  }
  return at
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

/**
 * Index of the bracket closing the one at `start` (nesting, escapes and classes inside groups
 * respected); the last index when it never closes. Erring long is safe: skipped text is never
 * taken as required.
 */
function skipGroup(s: string, start: number): number {
  const open = s[start] as string
  if (open === '[') return skipClass(s, start)
  const close = open === '{' ? '}' : ')'
  let depth = 0
  for (let i = start; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === '[' && open === '(') {
      i = skipClass(s, i)
      continue
    }
    if (ch === open) depth++
    else if (ch === close && --depth === 0) return i
  }
  return s.length - 1
}

/** A class `[...]`: a `]` right after `[` or `[^` is a member, as are `[:alpha:]` and escapes. */
function skipClass(s: string, start: number): number {
  let i = start + 1
  if (s[i] === '^') i++
  if (s[i] === ']') i++
  for (; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\') i++
    else if (ch === '[' && s[i + 1] === ':') {
      const close = s.indexOf(':]', i + 2)
      if (close >= 0) i = close + 1
    } else if (ch === ']') return i
  }
  return s.length - 1
}
