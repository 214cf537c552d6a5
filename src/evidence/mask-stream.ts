import { addCounts, mask, type RedactionCounts } from '../reports/mask.js'

/** A single line longer than this is masked in pieces (a match across the cut may be missed). */
const LINE_LIMIT = 1 << 20
/** An unterminated private-key block is held back at most this long. */
const BLOCK_LIMIT = 4 << 20

const JSON_STRING = /"(?:[^"\\\n]|\\.)*"/g

/**
 * Masks streamed text. It masks whole lines, so nothing maskable is cut in two: every pattern
 * except a private-key block lives within one line, and an open block is held until its END.
 *
 * In `json` mode only string literals are masked, decoded first (so an escape cannot hide a
 * value) and re-encoded: a number — an epoch-milliseconds timestamp can pass Luhn — is left
 * alone, so the copy stays valid JSON and reads back to the same test cases.
 */
export async function* maskChunks(chunks: AsyncIterable<string>, counts: RedactionCounts, mode: 'text' | 'json' = 'text'): AsyncGenerator<string> {
  let pending = ''
  const flush = (text: string): string => {
    if (mode === 'json') return text.replace(JSON_STRING, (token) => maskJsonString(token, counts))
    const m = mask(text)
    addCounts(counts, m.counts)
    return m.text
  }
  for await (const chunk of chunks) {
    pending += chunk
    let cut = pending.lastIndexOf('\n') + 1
    const begin = pending.lastIndexOf('-----BEGIN', cut)
    if (begin >= 0 && pending.indexOf('-----END', begin) < 0 && pending.length < BLOCK_LIMIT) cut = Math.min(cut, begin)
    if (cut === 0 && pending.length > LINE_LIMIT) cut = pending.length
    if (cut > 0) {
      yield flush(pending.slice(0, cut))
      pending = pending.slice(cut)
    }
  }
  if (pending) yield flush(pending)
}

function maskJsonString(token: string, counts: RedactionCounts): string {
  let decoded: string
  try {
    decoded = JSON.parse(token) as string
  } catch {
    return token
  }
  const m = mask(decoded)
  if (!m.counts) return token
  addCounts(counts, m.counts)
  return JSON.stringify(m.text)
}
