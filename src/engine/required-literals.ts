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
    } else if (ch === '[') {
      runs.end()
      i = skipClass(glob, i, true)
    } else if (ch === '{' || ch === '(') {
      // A bare `(a|b)` is a group too, as after an extglob's `@!+*?`.
      runs.end()
      i = skipGroup(glob, i)
    } else if (ch === '*' && glob[i + 1] === '*' && glob[i + 2] === '/') {
      // `**/` may match no folder at all: its `/` is not required.
      runs.end()
      i += 2
    } else if (ch === '/' && glob.slice(i) === '/**') {
      // `a/**` matches `a` itself.
      break
    } else if ('*?+@!()'.includes(ch)) {
      runs.end()
    } else {
      runs.text += ch
    }
  }
  return runs.longest()
}

/** A set of literal alternatives grows by multiplication; past this many it is cut in two groups. */
const MAX_ALTERNATIVES = 16

/**
 * What every match of a regex must contain, as groups of literal alternatives: each match holds at
 * least one alternative of every group. Literal runs are groups of one; a group `(a|b)` of plain
 * literals, required exactly once, multiplies with the text around it (`amount (3|4)` gives
 * "amount 3" or "amount 4"). Empty when unsure: an alternation outside every group gives up,
 * other groups and classes are skipped, an atom a quantifier makes optional is left out.
 */
export function regexRequirements(source: string): string[][] {
  if (hasTopLevelAlternation(source)) return []
  const pieces = new AdjacentPieces()
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string
    if (ch === '\\') {
      const next = source[i + 1]
      i++
      if (next === undefined || /[A-Za-z0-9]/.test(next)) {
        // An escape with an argument (`\x41`, `\x{41}`, `\101`, `\pL`, `\p{Greek}`) stands for one
        // character that is not the text written: its argument is no literal either.
        pieces.end()
        i = escapeEnd(source, i)
        i = optionalQuantifierEnd(source, i)
      } else if (isOptionalNext(source, i + 1)) pieces.end()
      else pieces.text(next)
    } else if (ch === '(') {
      const close = skipGroup(source, i)
      const alternatives = source[close] === ')' && !'*?+{'.includes(source[close + 1] ?? '*') ? literalAlternatives(source.slice(i + 1, close)) : undefined
      if (alternatives) pieces.alternatives(alternatives)
      else pieces.end()
      i = alternatives ? close : optionalQuantifierEnd(source, close)
    } else if (ch === '[') {
      pieces.end()
      i = optionalQuantifierEnd(source, skipGroup(source, i))
    } else if ('*?{'.includes(ch)) {
      // The atom before an optional quantifier was already left out of the run (isOptionalNext).
      pieces.end()
      if (ch === '{') i = skipGroup(source, i)
    } else if ('.^$+)]}'.includes(ch)) {
      pieces.end()
    } else if (isOptionalNext(source, i + 1)) {
      pieces.end()
    } else {
      pieces.text(ch)
    }
  }
  return pieces.groups()
}

/**
 * The alternatives of a group's body when each is plain literal text (`3|4`, `?:refund|chargeback`
 * after the `(`); undefined for anything else (a nested group, a class, an escape, an empty one).
 */
function literalAlternatives(body: string): string[] | undefined {
  const text = body.startsWith('?:') ? body.slice(2) : body
  if (text.startsWith('?')) return undefined
  const alternatives = text.split('|')
  return alternatives.every((a) => a.length > 0 && !/[\\^$.|?*+()[\]{}]/.test(a)) ? alternatives : undefined
}

/** Past an optional quantifier (`?`, `*`, `{0,n}`) right after the atom ending at `at`, whole. */
function optionalQuantifierEnd(source: string, at: number): number {
  if (!isOptionalNext(source, at + 1)) return at
  return source[at + 1] === '{' ? skipGroup(source, at + 1) : at + 1
}

/** Required text as it is met: each alternative so far, extended while the pieces stay adjacent. */
class AdjacentPieces {
  private current: string[] = ['']
  private readonly found: string[][] = []

  text(ch: string): void {
    this.current = this.current.map((a) => a + ch)
  }

  alternatives(alternatives: readonly string[]): void {
    if (this.current.length * alternatives.length > MAX_ALTERNATIVES) {
      this.end()
      this.current = [...alternatives]
      return
    }
    this.current = this.current.flatMap((a) => alternatives.map((b) => a + b))
  }

  /** The run ends: what it holds is required (when every alternative has some text). */
  end(): void {
    if (this.current.every((a) => a.length > 0)) this.found.push([...new Set(this.current)])
    this.current = ['']
  }

  groups(): string[][] {
    this.end()
    return this.found
  }
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

/** A class `[...]`: a `]` right after `[` or `[^` (a glob's `[!` too) is a member, as are `[:alpha:]` and escapes. */
function skipClass(s: string, start: number, glob = false): number {
  let i = start + 1
  if (s[i] === '^' || (glob && s[i] === '!')) i++
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
