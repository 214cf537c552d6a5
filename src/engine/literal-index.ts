import type { PatternEntry } from './pattern-index.js'

const ASCII = 128
/** Nodes up to which the ASCII transition table is kept (at most 8 MB). */
const DENSE_LIMIT = 16_384

interface AcNode {
  /** Position in breadth-first order: the row of this node in the dense ASCII table. */
  id: number
  next: Map<number, AcNode>
  fail: AcNode | null
  /** Requirements met when a literal ends here, plus (via `fail` links) those of its proper suffixes. */
  needs: Need[]
}

/** One literal of one requirement group of a pattern: found, it meets that group. */
interface Need {
  entry: PatternEntry
  /** The entry's number, and its group's. */
  id: number
  group: number
}

/**
 * Patterns filed under literals they cannot match without (Aho-Corasick). A pattern has groups of
 * literal alternatives, every group required (see regexRequirements); one left-to-right pass over
 * a string finds every literal it contains, and a pattern is tried only once each of its groups
 * has been met. Patterns with no usable literal are tried on every string.
 */
export class LiteralIndex {
  private readonly root: AcNode = { id: 0, next: new Map(), fail: null, needs: [] }
  private readonly always: PatternEntry[] = []
  /** Nodes in breadth-first order, and for ASCII the fully resolved next node: one read per character. */
  private nodes: AcNode[] = []
  private ascii: Int32Array | null = null
  private hasNeeds = new Uint8Array(0)
  private built = false
  /** Per entry: how many groups it has. */
  private readonly groupsOf: number[] = []
  private groupCount = 0
  /** Per group, the last scan that met it; per entry, the scan its `met` count belongs to. Nothing is allocated per scan. */
  private groupMetIn = new Uint32Array(0)
  private countedIn = new Uint32Array(0)
  private met = new Uint32Array(0)
  private scans = 0
  size = 0

  /** Files `entry` under one required literal ('' for none). */
  add(entry: PatternEntry, literal: string): void {
    this.addRequiring(entry, literal ? [[literal]] : [])
  }

  /** Files `entry` under groups of literal alternatives, each group required; none: tried on every string. */
  addRequiring(entry: PatternEntry, groups: readonly (readonly string[])[]): void {
    this.size++
    this.built = false
    const usable = groups.filter((g) => g.length > 0 && g.every((literal) => literal.length > 0))
    if (usable.length === 0) {
      this.always.push(entry)
      return
    }
    const id = this.groupsOf.length
    this.groupsOf.push(usable.length)
    for (const alternatives of usable) {
      const group = this.groupCount++
      for (const literal of alternatives) this.nodeFor(literal).needs.push({ entry, id, group })
    }
  }

  private nodeFor(literal: string): AcNode {
    let node = this.root
    for (let i = 0; i < literal.length; i++) {
      const code = literal.charCodeAt(i)
      let child = node.next.get(code)
      if (!child) {
        child = { id: 0, next: new Map(), fail: null, needs: [] }
        node.next.set(code, child)
      }
      node = child
    }
    return node
  }

  /** Calls `hit` for every pattern that matches; a control may be reported more than once. */
  match(s: string, test: (entry: PatternEntry) => boolean, hit: (control: number) => void): void {
    if (this.size === 0) return
    if (!this.built) this.build()
    for (const e of this.always) if (test(e)) hit(e.control)
    const scan = ++this.scans
    const nodes = this.nodes
    const ascii = this.ascii
    const hasNeeds = this.hasNeeds
    const { groupMetIn, countedIn, met, groupsOf } = this
    let state = 0
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i)
      state = ascii !== null && code < ASCII ? (ascii[state * ASCII + code] as number) : this.step(nodes[state] as AcNode, code).id
      if (hasNeeds[state] === 0) continue
      for (const n of (nodes[state] as AcNode).needs) {
        if (groupMetIn[n.group] === scan) continue
        groupMetIn[n.group] = scan
        if (countedIn[n.id] !== scan) {
          countedIn[n.id] = scan
          met[n.id] = 0
        }
        // The last of its groups met: tried now, once (a group is met only once a scan).
        if (++(met[n.id] as number) === groupsOf[n.id] && test(n.entry)) hit(n.entry.control)
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
        if (child.fail.needs.length > 0) child.needs = [...child.needs, ...child.fail.needs]
        queue.push(child)
      }
    }
    queue.forEach((node, id) => (node.id = id))
    this.groupMetIn = new Uint32Array(this.groupCount)
    this.countedIn = new Uint32Array(this.groupsOf.length)
    this.met = new Uint32Array(this.groupsOf.length)
    this.scans = 0
    this.nodes = queue
    this.hasNeeds = Uint8Array.from(queue, (node) => (node.needs.length > 0 ? 1 : 0))
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
