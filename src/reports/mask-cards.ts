import { runEnd, type Span } from './mask-chars.js'

/** A digit: ASCII, or full-width (U+FF10–FF19, as East Asian input methods write them). */
export const isCardDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)
/** Blanks that group digits: space, tab, the no-break, figure, thin and narrow no-break spaces, and the ideographic space. */
export const isCardBlank = (c: number): boolean => c === 32 || c === 9 || c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f || c === 0x3000
/** Dashes: `-`, the hyphens and dashes a word processor writes (U+2010–2013), and the full-width hyphen-minus. */
export const isCardDash = (c: number): boolean => c === 45 || (c >= 0x2010 && c <= 0x2013) || c === 0xff0d
const isDigit = isCardDigit
const isBlank = isCardBlank
/** What a card is written with, one look per character: its digits and its separators. */
const DIGIT = 2
const SEPARATOR = 1
const CARD_CHARS = new Uint8Array(65536)
// Set one by one (every other code unit is 0): a loop over all 65,536 would cost every start.
for (const c of [9, 10, 13, 32, 45, 46, 0xa0, 0x2007, 0x2009, 0x202f, 0x3000, 0x2010, 0x2011, 0x2012, 0x2013, 0xff0d]) CARD_CHARS[c] = SEPARATOR
for (let d = 0; d < 10; d++) CARD_CHARS[48 + d] = CARD_CHARS[0xff10 + d] = DIGIT
const DIGIT_OR_SEP = (c: number): boolean => CARD_CHARS[c] !== 0
/** The shortest stretch that can hold a card: a digit and 12 more digits or separators. */
const STRETCH = 13
/** Groups looked back over: a card of groups of 3+ digits has at most 6. */
const RING = 8
const SEP_DOT = 46

/**
 * Card numbers: 13–19 digits passing Luhn, unbroken or in groups of 3+ digits joined by one `-`,
 * one `.`, or blanks with at most one line break (a number wrapped inside an attribute). Digits
 * may be full-width, blanks no-break, thin or ideographic spaces and dashes any hyphen or dash;
 * the last four are kept in ASCII. A digit
 * run longer than 19 is an identifier, never a card; no card starts with 0. Every window of
 * groups that could be a card is checked and every one that passes is masked, so a number next
 * to a card cannot shift it out of view. A window never begins or ends at a `.`, so a decimal
 * fraction is not a card. Windows are checked as each group arrives, over the last few groups.
 */
export function cards(text: string): Span[] {
  const out: Span[] = []
  const starts = new Int32Array(RING)
  const ends = new Int32Array(RING)
  const seps = new Int32Array(RING)
  // Each group's Luhn sums, as it arrives: with its last digit in an even place, and in an odd one.
  const even = new Int32Array(RING)
  const odd = new Int32Array(RING)
  for (let from = nextStretch(text, 0); from >= 0; ) {
    const stop = runEnd(text, from + STRETCH, DIGIT_OR_SEP)
    let i = from
    from = nextStretch(text, stop)
    while (i < stop) {
      if (!isDigit(text.charCodeAt(i))) {
        i++
        continue
      }
      // One run of groups; windows ending at a group are checked once the separator after it is known.
      let n = 0
      let sep = 0
      for (;;) {
        const start = i
        while (i < stop && isDigit(text.charCodeAt(i))) i++
        starts[n % RING] = start
        ends[n % RING] = i
        seps[n % RING] = sep
        luhnSums(text, start, i, even, odd, n % RING)
        n++
        const next = separatorEnd(text, i, stop)
        const after = next > i && next < stop && isDigit(text.charCodeAt(next)) ? separatorKind(text.charCodeAt(i)) : 0
        windowsEndingAt(text, n - 1, after, { starts, ends, seps, even, odd }, out)
        if (!after) break
        sep = after
        i = next
      }
    }
  }
  return out
}

/**
 * The first digit at or after `from` followed by 12 more digits or separators, or -1. Windows of
 * 13 are looked at from their end, so text with short runs of them costs a fraction of a look
 * per character; a run long enough is scanned once, and only its first digit can start one.
 */
function nextStretch(text: string, from: number): number {
  const n = text.length
  let i = from
  while (i + STRETCH <= n) {
    let j = i + STRETCH - 1
    while (j >= i && CARD_CHARS[text.charCodeAt(j)] !== 0) j--
    if (j >= i) {
      i = j + 1
      continue
    }
    let first = -1
    let p = i
    for (let c = CARD_CHARS[text.charCodeAt(p)]; p < n && c !== 0; c = CARD_CHARS[text.charCodeAt(++p)]) {
      if (first < 0 && c === DIGIT) first = p
      if (first >= 0 && p - first >= STRETCH - 1) return first
    }
    i = p + 1
  }
  return -1
}

/** A separator as windows tell them apart: a dash (45), a dot (46) or blanks (32). */
const separatorKind = (c: number): number => (isCardDash(c) ? 45 : c === SEP_DOT ? SEP_DOT : 32)

/** Just past the separator at `i` (one `-` or `.`, or blanks with at most one line break); `i` when none. */
function separatorEnd(text: string, i: number, stop: number): number {
  const c = text.charCodeAt(i)
  if (isCardDash(c) || c === SEP_DOT) return i + 1
  let j = i
  let breaks = 0
  while (j < stop && j - i <= 64) {
    const d = text.charCodeAt(j)
    if (isBlank(d)) j++
    else if (d === 10 && breaks++ === 0) j++
    else if (d === 13 && text.charCodeAt(j + 1) === 10 && breaks === 0) j++
    else break
  }
  return j
}

interface Groups {
  starts: Int32Array
  ends: Int32Array
  seps: Int32Array
  even: Int32Array
  odd: Int32Array
}

/** Checks every window of groups ending at group `b` (`next`: the separator after it, 0 at the run's end). */
function windowsEndingAt(text: string, b: number, next: number, { starts, ends, seps, even, odd }: Groups, out: Span[]): void {
  if (next === SEP_DOT) return
  const lenB = (ends[b % RING] as number) - (starts[b % RING] as number)
  let total = 0
  let sum = 0
  for (let a = b; a >= 0 && a > b - RING + 1; a--) {
    const k = a % RING
    const len = (ends[k] as number) - (starts[k] as number)
    // The digits to the right of this group decide which of its sums counts.
    sum += total % 2 === 0 ? (even[k] as number) : (odd[k] as number)
    total += len
    if (total > 19) return
    if (a < b && (len < 3 || lenB < 3)) return
    const first = text.charCodeAt(starts[k] as number)
    if (total < 13 || seps[k] === SEP_DOT || first === 48 || first === 0xff10) continue
    if (sum % 10 !== 0) continue
    // Windows that overlap are one masked stretch, keeping the last four of its end.
    let start = starts[k] as number
    for (let last = out[out.length - 1]; last && last.end > start; last = out[out.length - 1]) {
      start = Math.min(start, last.start)
      out.pop()
    }
    out.push({ start, end: ends[b % RING] as number, kind: 'card', last4: lastFour(text, ends[b % RING] as number) })
  }
}

const digitValue = (c: number): number => (c >= 0xff10 ? c - 0xff10 : c - 48)

/** The Luhn sums of text[from, to) (all digits) with its last digit in an even place (not doubled), and in an odd one. */
function luhnSums(text: string, from: number, to: number, even: Int32Array, odd: Int32Array, k: number): void {
  let e = 0
  let o = 0
  for (let i = to - 1, place = 0; i >= from; i--, place++) {
    const d = digitValue(text.charCodeAt(i))
    const doubled = d * 2 > 9 ? d * 2 - 9 : d * 2
    if (place % 2 === 0) {
      e += d
      o += doubled
    } else {
      e += doubled
      o += d
    }
  }
  even[k] = e
  odd[k] = o
}

/** The last four digits before `end`, in ASCII, over the separators between groups. */
function lastFour(text: string, end: number): string {
  let out = ''
  for (let i = end - 1; i >= 0 && out.length < 4; i--) {
    const c = text.charCodeAt(i)
    if (isDigit(c)) out = String.fromCharCode(digitValue(c) + 48) + out
  }
  return out
}

export function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}
