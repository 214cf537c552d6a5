/** What the masking detectors share: the span they report, and character classes scanned without a regex. */
import type { SecretKind } from './mask-kinds.js'

export type RedactionKind = 'card' | 'ssn' | 'iban' | 'email' | 'secret'

/** A stretch of the text to replace: [start, end). A secret always says which kind it is. */
export type Span =
  | {
      start: number
      end: number
      kind: Exclude<RedactionKind, 'secret'>
      /** For a card: the last four digits, which are kept. */
      last4?: string
      secret?: undefined
    }
  | { start: number; end: number; kind: 'secret'; secret: SecretKind; last4?: undefined }

/** A span of a secret of the given kind. */
export const secretSpan = (start: number, end: number, secret: SecretKind): Span => ({ start, end, kind: 'secret', secret })

export interface Scan {
  spans: Span[]
  /**
   * Set when `final` is false and a private-key block is still open at the end of the text:
   * nothing from here on can be masked yet (the stream waits for more text).
   */
  openFrom?: number
}


/** A character class as a lookup table, for runs scanned without a regex (no backtracking stack). */
export function charClass(chars: string): (c: number) => boolean {
  const table = new Uint8Array(128)
  for (const range of chars.match(/.-.|./gs) ?? []) {
    const lo = range.charCodeAt(0)
    const hi = range.length === 3 ? range.charCodeAt(2) : lo
    for (let c = lo; c <= hi; c++) table[c] = 1
  }
  return (c) => c < 128 && table[c] === 1
}
/** The classes the secret detectors share. */
export const ALNUM = charClass('A-Za-z0-9')
export const WORD = charClass('A-Za-z0-9_')
export const LETTERS = charClass('A-Za-z')
export const DIGITS = charClass('0-9')
/** A token's characters (and base64url's). */
export const TOKEN = charClass('A-Za-z0-9_-')
/** Base64 without its padding. */
export const BASE64 = charClass('A-Za-z0-9+/')

/** End of the run of `cls` characters starting at `i`. */
export function runEnd(text: string, i: number, cls: (c: number) => boolean): number {
  while (i < text.length && cls(text.charCodeAt(i))) i++
  return i
}
