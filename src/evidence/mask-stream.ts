import { isCardBlank, isCardDash, isCardDigit } from '../reports/mask-cards.js'
import { scan, type Span } from '../reports/mask-scan.js'
import { addCounts, emptyCounts, mask, maskPiece, type Masked, type RedactionCounts } from '../reports/mask.js'

/** A line longer than this is cut at a safe place (before a tag, outside a JSON string, at a blank). */
const LINE_LIMIT = 1 << 20
/** A JSON string is held whole up to this length; a longer one (a report refused anyway) is cut. */
const STRING_LIMIT = 16 << 20
/** How far back from a forced cut a safe place is looked for. */
const CUT_WINDOW = 64 << 10
/** An unterminated private-key block is held back at most this long. */
const BLOCK_LIMIT = 1 << 20
/** Digits at the end of a piece may go on in the next line (a card wrapped in an attribute): held back this far. */
const DIGIT_HOLD = 64

export type MaskMode = 'text' | 'xml' | 'json'

/** XML for text that opens with `<`, JSON for `{` or `[`, plain text (TAP and the like) otherwise. */
export function maskModeOf(head: string): MaskMode {
  const c = head.trimStart()[0]
  return c === '<' ? 'xml' : c === '{' || c === '[' ? 'json' : 'text'
}

/**
 * A report's text, masked as it streams, in the mode its first characters call for. The gate
 * reads its reports through this and the bundle keeps exactly this, so what was evaluated is
 * what the evidence holds, and re-performance from the bundle reads the same text.
 */
export async function* maskReportChunks(chunks: AsyncIterable<string>, counts: RedactionCounts): AsyncGenerator<string> {
  const iterator = chunks[Symbol.asyncIterator]()
  const head: string[] = []
  let seen = ''
  // Blank text before the first sign of the format is not held without end.
  while (seen.trim() === '' && seen.length < CUT_WINDOW) {
    const next = await iterator.next()
    if (next.done) break
    head.push(next.value)
    seen += next.value
  }
  async function* replay(): AsyncGenerator<string> {
    yield* head
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value
  }
  yield* maskChunks(replay(), counts, maskModeOf(seen))
}

/**
 * Masks streamed text piece by piece, cutting only where nothing maskable can be cut in two:
 * after a line break (and before digits that may go on in the next line), before an open
 * private-key block until its end arrives, and in a line too long to hold at a tag, a blank or
 * between JSON strings. Every piece is masked in linear time, so the whole stream is.
 *
 * In `json` mode only string literals are masked, decoded first (so an escape cannot hide a
 * value) and re-encoded: a number — an epoch-milliseconds timestamp can pass Luhn — is left
 * alone, so the copy stays valid JSON and reads back to the same test cases. In `xml` mode
 * character references are decoded before matching (see maskXml).
 */
export async function* maskChunks(chunks: AsyncIterable<string>, counts: RedactionCounts, mode: MaskMode = 'text'): AsyncGenerator<string> {
  let pending = ''
  // Set once a JSON string longer than STRING_LIMIT had to be cut: until that line ends, where
  // strings begin is unknown, so the rest of the line is masked as plain text.
  let unknownStrings = false
  // While the cut waits for a line end (or, in JSON, for a string open from the start to close),
  // a chunk that holds neither cannot change that: it is only collected, not joined and scanned
  // again with all the text before it, so a long line costs linear time whatever the chunk size.
  let waitingFor: 'line' | 'string' | null = null
  let collected: string[] = []
  let collectedLength = 0
  for await (const chunk of chunks) {
    if (waitingFor !== null && chunk.indexOf('\n') < 0) {
      const total = pending.length + collectedLength + chunk.length
      if (waitingFor === 'line' ? total <= LINE_LIMIT : total < STRING_LIMIT && chunk.indexOf('"') < 0) {
        collected.push(chunk)
        collectedLength += chunk.length
        continue
      }
    }
    if (collected.length > 0) {
      pending += collected.join('')
      collected = []
      collectedLength = 0
    }
    waitingFor = null
    pending += chunk
    const cut = cutPoint(pending, mode)
    if (cut === 0) {
      // Only JSON waits past LINE_LIMIT, and only for a string that opens the pending text.
      waitingFor = pending.length <= LINE_LIMIT ? 'line' : mode === 'json' ? 'string' : null
      continue
    }
    const piece = pending.slice(0, cut)
    const pieceMode = unknownStrings ? 'text' : mode
    if (mode === 'json') unknownStrings = piece.charCodeAt(piece.length - 1) !== 10 && (unknownStrings || openJsonString(piece) !== undefined)
    const done = maskOne(piece, pieceMode, false)
    if (done.upTo < cut && pending.length >= LINE_LIMIT) {
      // A value still "open" after a megabyte (a run with no blank, no tag, no line break) is no
      // value to wait for: decide the piece as it stands, so the held text never grows and each
      // character is scanned a bounded number of times (linear on a gigabyte line).
      yield finalText(piece, pieceMode, counts)
      pending = pending.slice(cut)
      continue
    }
    if (done.upTo === 0) {
      // A private-key block opens the piece and has not ended yet: wait for its end, within reason.
      if (pending.length < BLOCK_LIMIT) continue
      yield finalText(piece, pieceMode, counts)
      pending = pending.slice(cut)
      continue
    }
    addCounts(counts, done.counts)
    yield done.text
    pending = pending.slice(done.upTo)
  }
  if (collected.length > 0) pending += collected.join('')
  if (pending) yield finalText(pending, unknownStrings ? 'text' : mode, counts)
}

function finalText(text: string, mode: MaskMode, counts: RedactionCounts): string {
  const m = maskOne(text, mode, true)
  addCounts(counts, m.counts)
  return m.text
}

function maskOne(text: string, mode: MaskMode, final: boolean): Masked & { upTo: number } {
  if (mode === 'json') return { ...maskJsonText(text), upTo: text.length }
  return maskPiece(text, mode === 'xml', final)
}

/** Where the pending text can be cut now; 0 to wait for more. */
function cutPoint(pending: string, mode: MaskMode): number {
  const atLine = pending.lastIndexOf('\n') + 1
  const held = atLine === 0 || mode === 'json' ? atLine : holdDigits(pending, atLine)
  if (held > 0 || pending.length <= LINE_LIMIT) return held
  // Nothing can be cut at a line break (none, or digits held back right to the start): past the
  // limit, cut anyway, so what is held never grows with the line.
  const forced = forcedCut(pending, mode)
  if (mode === 'json' || forced === 0) return forced
  return holdDigits(pending, forced) || forced
}

/** A place in a too-long line where no value can be cut in two, or its end when there is none. */
function forcedCut(text: string, mode: MaskMode): number {
  if (mode === 'json') {
    const open = openJsonString(text)
    if (open === undefined) return text.length
    if (open > 0) return open
    // One string longer than a line may be: wait for its end up to the longest line a report may have.
    return text.length < STRING_LIMIT ? 0 : text.length
  }
  const floor = Math.max(1, text.length - CUT_WINDOW)
  for (let i = text.length - 1; i >= floor; i--) {
    const c = text.charCodeAt(i)
    if (mode === 'xml' ? c === 60 : c === 32 || c === 9) return i
  }
  return text.length
}

/** Moves a cut back before a digit run (blanks, `-`, `.` and line breaks between) that touches it. */
function holdDigits(text: string, cut: number): number {
  let i = cut
  let digit = false
  while (i > 0 && cut - i < DIGIT_HOLD) {
    const c = text.charCodeAt(i - 1)
    if (isCardDigit(c)) digit = true
    else if (!(isCardBlank(c) || isCardDash(c) || c === 10 || c === 13 || c === 46)) break
    i--
  }
  return digit ? i : cut
}

// ---- JSON: string literals only ------------------------------------------------------------

/**
 * Every string literal of the text masked (decoded, masked, re-encoded only when something was
 * masked). Scanned once from left to right — a quote is only ever looked at once — so hostile
 * text (thousands of escaped quotes) stays linear. A literal left open at a line break is not
 * JSON; the reader will refuse it, and its text is masked as plain text meanwhile.
 */
function maskJsonText(text: string): Masked {
  // Quotes are in no pattern's characters, so a value inside a literal that has no escape is
  // found by scanning the whole text as it is: literals with no such find, and no escape, are
  // left as they are without being decoded one by one.
  const found = scan(text).spans
  if (found.length === 0 && text.indexOf('\\') < 0) return { text }
  let counts: RedactionCounts | undefined
  const out: string[] = []
  let from = 0
  let next = 0
  let i = text.indexOf('"')
  while (i >= 0) {
    const { end, closed, escaped } = stringEnd(text, i)
    while (next < found.length && (found[next] as Span).end <= i) next++
    const hit = next < found.length && (found[next] as Span).start < end
    if (escaped || hit || !closed) {
      const literal = text.slice(i, end)
      const masked = closed ? maskJsonString(literal) : mask(literal)
      if (masked.counts) {
        counts ??= emptyCounts()
        addCounts(counts, masked.counts)
        out.push(text.slice(from, i), masked.text)
        from = end
      }
    }
    i = text.indexOf('"', end)
  }
  if (!counts) return { text }
  out.push(text.slice(from))
  return { text: out.join(''), counts }
}

/** Just after the string literal opening at `open`: after its closing quote, or where it breaks off. */
function stringEnd(text: string, open: number): { end: number; closed: boolean; escaped: boolean } {
  let escaped = false
  for (let j = open + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 34) return { end: j + 1, closed: true, escaped }
    if (c === 10) return { end: j, closed: false, escaped }
    if (c === 92) {
      escaped = true
      j++ // a backslash and the character it escapes
    }
  }
  return { end: text.length, closed: false, escaped }
}

/** Where a string literal that does not close in `text` opens; undefined when every one closes. */
function openJsonString(text: string): number | undefined {
  for (let i = text.indexOf('"'); i >= 0; ) {
    const { end, closed } = stringEnd(text, i)
    if (!closed) return i
    i = text.indexOf('"', end)
  }
  return undefined
}

function maskJsonString(token: string): Masked {
  if (token.length < 8) return { text: token }
  let decoded: string
  try {
    decoded = token.indexOf('\\') < 0 ? token.slice(1, -1) : (JSON.parse(token) as string)
  } catch {
    return mask(token)
  }
  const m = mask(decoded)
  return m.counts ? { text: JSON.stringify(m.text), counts: m.counts } : { text: token }
}
