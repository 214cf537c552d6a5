import type { PatternEntry } from './pattern-index.js'

interface AcNode {
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
  private readonly root: AcNode = { next: new Map(), fail: null, entries: [] }
  private readonly always: PatternEntry[] = []
  /** Most steps start again at the root: its transitions for codes < 256 are a plain array. */
  private readonly rootNext: (AcNode | undefined)[] = new Array(256)
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
        child = { next: new Map(), fail: null, entries: [] }
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
    const root = this.root
    const rootNext = this.rootNext
    let node = root
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i)
      let next = node === root && code < 256 ? rootNext[code] : node.next.get(code)
      while (!next && node !== this.root) {
        node = node.fail as AcNode
        next = node.next.get(code)
      }
      node = next ?? this.root
      if (node.entries.length === 0) continue
      for (const e of node.entries) {
        tried ??= new Set()
        if (tried.has(e)) continue
        tried.add(e)
        if (test(e)) hit(e.control)
      }
    }
  }

  /** Failure links, breadth first; each node inherits the entries of its longest suffix node. */
  private build(): void {
    const queue: AcNode[] = []
    for (const child of this.root.next.values()) {
      child.fail = this.root
      queue.push(child)
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as AcNode
      for (const [code, child] of node.next) {
        let f = node.fail
        while (f && !f.next.has(code)) f = f.fail
        child.fail = f ? (f.next.get(code) as AcNode) : this.root
        if (child.fail.entries.length > 0) child.entries = [...child.entries, ...child.fail.entries]
        queue.push(child)
      }
    }
    this.rootNext.fill(undefined)
    for (const [code, child] of this.root.next) if (code < 256) this.rootNext[code] = child
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
