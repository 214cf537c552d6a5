import { charClass, runEnd, type Span } from './mask-chars.js'

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isBlank = (c: number): boolean => c === 32 || c === 9
/** Stretches that could hold a card: a digit, then 12 or more digits and separators. */
const DIGIT_STRETCH = /\d[\d \t\r\n.-]{12}/g
const DIGIT_OR_SEP = charClass('0-9 \t\r\n.-')
/** Groups looked back over: a card of groups of 3+ digits has at most 6. */
const RING = 8
const SEP_DOT = 46

/**
 * Card numbers: 13–19 digits passing Luhn, unbroken or in groups of 3+ digits joined by one `-`,
 * one `.`, or blanks with at most one line break (a number wrapped inside an attribute). A digit
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
  DIGIT_STRETCH.lastIndex = 0
  for (let m = DIGIT_STRETCH.exec(text); m; m = DIGIT_STRETCH.exec(text)) {
    const stop = runEnd(text, m.index + m[0].length, DIGIT_OR_SEP)
    DIGIT_STRETCH.lastIndex = stop
    let i = m.index
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
        n++
        const next = separatorEnd(text, i, stop)
        const after = next > i && next < stop && isDigit(text.charCodeAt(next)) ? text.charCodeAt(i) : 0
        windowsEndingAt(text, n - 1, after === 45 || after === SEP_DOT ? after : after ? 32 : 0, starts, ends, seps, out)
        if (!after) break
        sep = after === 45 || after === SEP_DOT ? after : 32
        i = next
      }
    }
  }
  return out
}

/** Just past the separator at `i` (one `-` or `.`, or blanks with at most one line break); `i` when none. */
function separatorEnd(text: string, i: number, stop: number): number {
  const c = text.charCodeAt(i)
  if (c === 45 || c === SEP_DOT) return i + 1
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

/** Checks every window of groups ending at group `b` (`next`: the separator after it, 0 at the run's end). */
function windowsEndingAt(text: string, b: number, next: number, starts: Int32Array, ends: Int32Array, seps: Int32Array, out: Span[]): void {
  if (next === SEP_DOT) return
  const lenB = (ends[b % RING] as number) - (starts[b % RING] as number)
  let total = 0
  for (let a = b; a >= 0 && a > b - RING + 1; a--) {
    const k = a % RING
    const len = (ends[k] as number) - (starts[k] as number)
    total += len
    if (total > 19) return
    if (a < b && (len < 3 || lenB < 3)) return
    if (total < 13 || seps[k] === SEP_DOT || text.charCodeAt(starts[k] as number) === 48) continue
    let digits = ''
    for (let g = a; g <= b; g++) digits += text.slice(starts[g % RING], ends[g % RING])
    if (!luhn(digits)) continue
    // Windows that overlap are one masked stretch, keeping the last four of its end.
    let start = starts[k] as number
    for (let last = out[out.length - 1]; last && last.end > start; last = out[out.length - 1]) {
      start = Math.min(start, last.start)
      out.pop()
    }
    out.push({ start, end: ends[b % RING] as number, kind: 'card', last4: digits.slice(-4) })
  }
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
