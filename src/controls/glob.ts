import { RE2JS } from 're2js'

/** A compiled `name:`, `suite:` or `file:` glob: whether a whole text matches it. */
export interface GlobMatcher {
  test(text: string): boolean
}

/**
 * Compiles a selector glob into a matcher whose time is linear in the text (SPEC §12, issue 22):
 * the glob is translated into RE2 syntax and matched by RE2JS, which never backtracks — as
 * `regex:` selectors are. picomatch, which the map used before, builds backtracking regular
 * expressions (`*ledger*posting*balances*` took a minute on a 30 KB test name the change wrote).
 *
 * The syntax is picomatch's (docs/hostile-input.md), where `*` crosses `/` in `name:` and
 * `suite:` globs (`slashes: false`) and stays within a folder in `file:` globs:
 *   `*`  any text; `**` as a whole path segment (`a/**`, `**∕b`, `a/**∕b`) any number of folders,
 *        none included, elsewhere as `*`; `?` one character other than `/`;
 *   `[abc]` `[a-z]` `[!a]` `[^a]` `[[:alpha:]]` one character of a class (a negated class, like
 *        `?`, never matches `/`); `{a,b}` either (nested globs inside); `{1..3}` `{a..c}` a range;
 *   `(a|b)` `@(a|b)` one of; `?(a)` optional; `*(a)` any number; `+(a)` one or more;
 *   `\x` the character x; a leading `!` matches what the rest of the glob does not.
 * Refused (Error, for the map loader's FILE:LINE:COL): `!(…)` inside a glob — its complement can
 * only be matched by backtracking —, an unclosed `[` or `{`, a lone `\` at the end.
 * Where picomatch differs, this is the plain reading: `*` crosses a line break, `[!a]` is negated,
 * `[abc]` never matches the text "[abc]", and `.`/`..` path segments are text like any other.
 */
export function compileGlob(glob: string, options: { slashes: boolean }): GlobMatcher {
  // The map loader checks each glob and the mapping compiles it again: compiled once.
  const key = `${options.slashes ? '/' : '*'}${glob}`
  let matcher = compiled.get(key)
  if (matcher === undefined) {
    matcher = build(glob, options.slashes)
    compiled.set(key, matcher)
  }
  return matcher
}

const compiled = new Map<string, GlobMatcher>()

function build(glob: string, slashes: boolean): GlobMatcher {
  const negated = glob.startsWith('!') && !glob.startsWith('!(')
  const cs = Array.from(negated ? glob.slice(1) : glob)
  // Translated even when no regular expression is needed: that is where a bad glob is refused.
  const source = new GlobTranslator(cs, slashes).translate()
  const parts = slashes ? undefined : starParts(cs)
  let test: (text: string) => boolean
  if (parts) test = (text) => starMatch(parts, text)
  else {
    const re = RE2JS.compile(`^(?:${source})$`, RE2JS.DOTALL)
    test = (text) => re.test(text)
  }
  // As picomatch: no glob matches the empty text (an empty suite name is not "any suite"); a negated one does.
  return negated ? { test: (text) => text === '' || !test(text) } : { test: (text) => text !== '' && test(text) }
}

/**
 * The texts between the stars of a glob that is only text and single `*`s that cross `/` (the
 * common `name:` and `suite:` forms: `*refunds case *`, `com.example.payments.*`), or undefined
 * for any other glob. Such a glob needs no regular expression at all (starMatch).
 */
function starParts(cs: readonly string[]): string[] | undefined {
  const parts = ['']
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i] as string
    if (ch === '\\') parts[parts.length - 1] += cs[++i] ?? ''
    else if (ch === '*') {
      if (cs[i + 1] === '*' || cs[i + 1] === '(') return undefined
      parts.push('')
    } else if ('?[{('.includes(ch) || (EXTGLOB.has(ch) && cs[i + 1] === '(')) return undefined
    else parts[parts.length - 1] += ch
  }
  return parts
}

/**
 * `parts[0]*parts[1]*…*parts[k]` against the whole text: the first part starts it, the last ends
 * it, and each one between is found leftmost after the one before (leftmost is never wrong when a
 * star may hold any text). Each search goes forward from where the last ended, so the time is
 * linear in the text (times the glob's length, which the map fixes), whatever the text holds.
 */
function starMatch(parts: readonly string[], text: string): boolean {
  const first = parts[0] as string
  if (parts.length === 1) return text === first
  const last = parts[parts.length - 1] as string
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false
  const end = text.length - last.length
  let at = first.length
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string
    if (part === '') continue
    const found = text.indexOf(part, at)
    if (found < 0 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}

/** Characters RE2 reads as syntax outside a class. */
const SPECIAL = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$'])
const EXTGLOB = new Set(['@', '?', '*', '+', '!'])
const POSIX = /^\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]/
const RANGE_LIMIT = 1000

const literal = (ch: string): string => (SPECIAL.has(ch) ? `\\${ch}` : ch)
/** A character inside an RE2 class: punctuation escaped (RE2 allows `\` before any punctuation). */
const classChar = (ch: string): string => (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(ch) ? `\\${ch}` : ch)

class GlobTranslator {
  private at = 0
  constructor(
    private readonly cs: readonly string[],
    private readonly slashes: boolean
  ) {}

  translate(): string {
    const out = this.sequence(new Set())
    if (this.at < this.cs.length) throw new Error(`unexpected ${JSON.stringify(this.cs[this.at])} at ${this.at + 1}`)
    return out
  }

  private get any(): string {
    return this.slashes ? '[^/]*' : '.*'
  }

  /** Translates up to (not past) a character in `stops` at this depth, or the end. */
  private sequence(stops: ReadonlySet<string>): string {
    const cs = this.cs
    let out = ''
    while (this.at < cs.length) {
      const ch = cs[this.at] as string
      if (stops.has(ch)) break
      const next = cs[this.at + 1]
      if (EXTGLOB.has(ch) && next === '(') out += this.extglob(ch)
      else if (ch === '*') out += this.stars()
      else if (ch === '?') {
        this.at++
        out += '[^/]'
      } else if (ch === '[') out += this.bracket()
      else if (ch === '{') out += this.brace()
      else if (ch === '(') out += this.group('')
      else if (ch === '\\') {
        if (next === undefined) throw new Error('ends with a lone "\\" (escape it as "\\\\")')
        this.at += 2
        out += literal(next)
      } else if (ch === '/' && this.restIs('/**')) {
        // `a/**` also matches `a` itself, as picomatch does.
        this.at += 3
        out += '(?:/.*)?'
      } else {
        this.at++
        out += literal(ch)
      }
    }
    return out
  }

  private restIs(tail: string): boolean {
    return this.cs.length - this.at === tail.length && this.cs.slice(this.at).join('') === tail
  }

  /** `*`, `**`, `***`…: a globstar when it is a whole path segment, else any text within a folder. */
  private stars(): string {
    const start = this.at
    while (this.cs[this.at] === '*') this.at++
    const segmentStart = start === 0 || this.cs[start - 1] === '/'
    const after = this.cs[this.at]
    if (this.at - start >= 2 && segmentStart) {
      if (after === '/') {
        this.at++
        return '(?:.*/)?'
      }
      if (after === undefined) return '.*'
    }
    return this.any
  }

  /** `[...]`: one character of a class; `[!...]`/`[^...]` not of it. */
  private bracket(): string {
    const cs = this.cs
    let i = this.at + 1
    const negate = cs[i] === '!' || cs[i] === '^'
    if (negate) i++
    let body = ''
    let first = true
    for (;;) {
      const ch = cs[i]
      if (ch === undefined) throw new Error(`unclosed "[" at ${this.at + 1}`)
      if (ch === ']' && !first) break
      first = false
      if (ch === '[') {
        const posix = POSIX.exec(cs.slice(i, i + 12).join(''))
        if (posix) {
          body += posix[0]
          i += posix[0].length
          continue
        }
      }
      let lo = ch
      if (ch === '\\') {
        if (cs[i + 1] === undefined) throw new Error(`unclosed "[" at ${this.at + 1}`)
        lo = cs[++i] as string
      }
      i++
      if (cs[i] === '-' && cs[i + 1] !== undefined && cs[i + 1] !== ']') {
        let hi = cs[i + 1] as string
        i += 2
        if (hi === '\\') {
          if (cs[i] === undefined) throw new Error(`unclosed "[" at ${this.at + 1}`)
          hi = cs[i++] as string
        }
        if ((lo.codePointAt(0) as number) > (hi.codePointAt(0) as number)) throw new Error(`the range ${lo}-${hi} runs backwards`)
        body += `${classChar(lo)}-${classChar(hi)}`
      } else body += classChar(lo)
    }
    this.at = i + 1
    // As picomatch: a negated class, like `?`, never matches `/`.
    return negate ? `[^${body}/]` : `[${body}]`
  }

  /** `{a,b}` alternatives, `{1..3}` / `{a..c}` ranges; a brace with neither is its own text. */
  private brace(): string {
    const open = this.at
    const close = this.matching(open, '{', '}')
    if (close < 0) throw new Error(`unclosed "{" at ${open + 1}`)
    const inner = this.cs.slice(open + 1, close).join('')
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(inner) ?? /^([A-Za-z])\.\.([A-Za-z])$/.exec(inner)
    if (range) {
      this.at = close + 1
      return braceRange(range[1] as string, range[2] as string)
    }
    if (!this.hasTopLevel(open + 1, close, ',')) {
      this.at = open + 1
      return '\\{'
    }
    this.at = open + 1
    const alternatives = [this.sequence(new Set([',', '}']))]
    while (this.cs[this.at] === ',') {
      this.at++
      alternatives.push(this.sequence(new Set([',', '}'])))
    }
    this.at++
    return `(?:${alternatives.join('|')})`
  }

  /** `@(a|b)`, `?(a)`, `*(a)`, `+(a)`; `!(a)` is refused (see compileGlob). */
  private extglob(kind: string): string {
    if (kind === '!') throw new Error(`"!(" at ${this.at + 1}: a negated extglob can only be matched by backtracking, which a hostile test name could make hang; negate the whole glob with a leading "!", or use a regex: selector`)
    this.at++
    return this.group(kind === '@' ? '' : kind)
  }

  /** `(a|b)` at `this.at`, followed by `quantifier`; an unclosed one is its own text. */
  private group(quantifier: string): string {
    const open = this.at
    if (this.matching(open, '(', ')') < 0) {
      this.at++
      return quantifier === '' ? '\\(' : `${literal(quantifier)}\\(`
    }
    this.at = open + 1
    const alternatives = [this.sequence(new Set(['|', ')']))]
    while (this.cs[this.at] === '|') {
      this.at++
      alternatives.push(this.sequence(new Set(['|', ')'])))
    }
    this.at++
    return `(?:${alternatives.join('|')})${quantifier}`
  }

  /** Where the bracket opened at `open` closes (escapes and nesting counted), or -1. */
  private matching(open: number, opener: string, closer: string): number {
    let depth = 0
    for (let i = open; i < this.cs.length; i++) {
      const ch = this.cs[i]
      if (ch === '\\') i++
      else if (ch === opener) depth++
      else if (ch === closer && --depth === 0) return i
    }
    return -1
  }

  /** True when `sep` stands between `from` and `to` outside any nested brace, bracket or group. */
  private hasTopLevel(from: number, to: number, sep: string): boolean {
    let depth = 0
    for (let i = from; i < to; i++) {
      const ch = this.cs[i]
      if (ch === '\\') i++
      else if (ch === '{' || ch === '(' || ch === '[') depth++
      else if (ch === '}' || ch === ')' || ch === ']') depth--
      else if (ch === sep && depth === 0) return true
    }
    return false
  }
}

/** `{1..12}` as the numbers it names, `{a..e}` as a class. */
function braceRange(from: string, to: string): string {
  if (/^[A-Za-z]$/.test(from)) {
    const [lo, hi] = from <= to ? [from, to] : [to, from]
    return `[${lo}-${hi}]`
  }
  const a = Number(from)
  const b = Number(to)
  if (Math.abs(a - b) >= RANGE_LIMIT) throw new Error(`the range {${from}..${to}} names more than ${RANGE_LIMIT} numbers`)
  const step = a <= b ? 1 : -1
  const width = /^-?0\d/.test(from) || /^-?0\d/.test(to) ? Math.max(from.replace('-', '').length, to.replace('-', '').length) : 0
  const out: string[] = []
  for (let n = a; ; n += step) {
    out.push((n < 0 ? '\\-' : '') + String(Math.abs(n)).padStart(width, '0'))
    if (n === b) break
  }
  return `(?:${out.join('|')})`
}
