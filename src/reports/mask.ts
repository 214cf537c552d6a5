/**
 * Masking of sensitive data in report text (SPEC §7): card numbers (13–19 digits passing Luhn,
 * last four kept), US SSNs, IBANs (checksum verified), e-mail addresses, and secrets of the kinds
 * in mask-kinds.ts (secretlint's recommended preset and more). What counts as each is decided in
 * mask-scan.ts, in linear time.
 *
 * Replacements use only letters, digits, `[`, `]` and `-` (plus the line breaks of what they
 * replace, so line numbers stay true), so masked text stays valid inside XML or JSON, and masking
 * masked text changes nothing (idempotent). A secret's mark names its kind:
 * `[REDACTED-SECRET-GITHUB-TOKEN]`.
 */
import { secretMark, type SecretKindCounts } from './mask-kinds.js'
import { scan, type RedactionKind, type Span } from './mask-scan.js'

export { luhn, validIban, type RedactionKind } from './mask-scan.js'
export type { SecretKind, SecretKindCounts } from './mask-kinds.js'

/**
 * Redactions per kind; `secret` is the sum of `secretKinds`. An interface, not a record: the five
 * counts are what SPEC §7 names, `secretKinds` says which secrets they were.
 */
export interface RedactionCounts {
  card: number
  ssn: number
  iban: number
  email: number
  secret: number
  secretKinds: SecretKindCounts
}

export const REDACTION_KINDS: readonly RedactionKind[] = ['card', 'ssn', 'iban', 'email', 'secret']

export const emptyCounts = (): RedactionCounts => ({ card: 0, ssn: 0, iban: 0, email: 0, secret: 0, secretKinds: {} })

export interface Masked {
  text: string
  /** Redactions made, per kind; undefined when there were none. */
  counts?: RedactionCounts
}

/** Masks `text`; returns it unchanged (same string) when there is nothing to mask. */
export function mask(text: string): Masked {
  return applySpans(text, scan(text).spans)
}

/** Just the masked text. */
export function maskText(text: string): string {
  return mask(text).text
}

export function addCounts(into: RedactionCounts, from: RedactionCounts | undefined): void {
  if (!from) return
  for (const k of REDACTION_KINDS) into[k] += from[k]
  addSecretKinds(into.secretKinds, from.secretKinds)
}

export function addSecretKinds(into: SecretKindCounts, from: SecretKindCounts): void {
  for (const [k, n] of Object.entries(from) as [keyof SecretKindCounts, number][]) into[k] = (into[k] ?? 0) + n
}

/**
 * Masks XML text as written: character references (`&#52;`, `&#x34;`) and the predefined
 * entities are decoded before matching, so `&#52;111…` or `ghp_&#65;…` cannot hide a value, and
 * each match replaces the whole stretch of source text it came from. Markup is never matched
 * (no pattern takes `<`, `>`, `&` or a quote), so the text stays well-formed XML.
 */
export function maskXml(text: string): Masked {
  return maskPiece(text, true, true)
}

/**
 * Masks one piece of a stream. When `final` is false and a private-key block is still open at
 * the end, only text before the block is masked and `upTo` says where the caller must resume.
 */
export function maskPiece(text: string, xml: boolean, final: boolean): Masked & { upTo: number } {
  if (!xml || text.indexOf('&') < 0) {
    const found = scan(text, final)
    const upTo = found.openFrom ?? text.length
    return { ...applySpans(upTo === text.length ? text : text.slice(0, upTo), found.spans), upTo }
  }
  const view = decodeReferences(text)
  const found = scan(view.text, final)
  const upTo = found.openFrom === undefined ? text.length : (view.at[found.openFrom] as number)
  const spans = found.spans.map((s) => ({ ...s, start: view.at[s.start] as number, end: view.at[s.end] as number }))
  return { ...applySpans(upTo === text.length ? text : text.slice(0, upTo), spans), upTo }
}

/** Replaces each span; counts one redaction per span. */
export function applySpans(text: string, spans: readonly Span[]): Masked {
  if (spans.length === 0) return { text }
  const counts = emptyCounts()
  const parts: string[] = []
  let at = 0
  for (const s of spans) {
    parts.push(text.slice(at, s.start), replacement(s), lineBreaks(text, s.start, s.end))
    counts[s.kind]++
    if (s.secret) counts.secretKinds[s.secret] = (counts.secretKinds[s.secret] ?? 0) + 1
    at = s.end
  }
  parts.push(text.slice(at))
  return { text: parts.join(''), counts }
}

function replacement(s: Span): string {
  if (s.kind === 'card') return `[REDACTED-CARD-${s.last4 ?? ''}]`
  if (s.secret) return secretMark(s.secret)
  return `[REDACTED-${s.kind.toUpperCase()}]`
}

/**
 * The line breaks in text[from, to). Looked for within the span only: `indexOf` from the span
 * would run on to the next line break, past every later span of a long line (quadratic).
 */
function lineBreaks(text: string, from: number, to: number): string {
  let n = 0
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++
  return n === 0 ? '' : '\n'.repeat(n)
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos));/g

/**
 * The text with references decoded, and for every index of it (and its end) the index in the
 * source it came from. A reference to a character that is not a valid XML character (or a
 * surrogate) is left as written.
 */
function decodeReferences(text: string): { text: string; at: Int32Array } {
  const out: string[] = []
  const at = new Int32Array(text.length + 1)
  let n = 0
  let from = 0
  const copy = (to: number): void => {
    out.push(text.slice(from, to))
    for (let i = from; i < to; i++) at[n++] = i
  }
  REFERENCE.lastIndex = 0
  for (let m = REFERENCE.exec(text); m; m = REFERENCE.exec(text)) {
    const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? parseInt(m[2], 16) : -1
    const ch = m[3] !== undefined ? (PREDEFINED[m[3]] as string) : code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : undefined
    if (ch === undefined) continue
    copy(m.index)
    out.push(ch)
    for (let k = 0; k < ch.length; k++) at[n++] = m.index
    from = m.index + m[0].length
  }
  copy(text.length)
  at[n] = text.length
  return { text: out.join(''), at: at.subarray(0, n + 1) }
}

/**
 * A test case with every text a report supplied masked. Suite, classname and file repeat across
 * thousands of cases, so the last one of each is remembered.
 */
export class CaseMasker {
  private lastSuite = ['', '']
  private lastClass = ['', '']
  private lastReport = ['', '']
  private lastFile = ['', '']

  mask<T extends { report: string; suite: string; classname: string; name: string; file?: string; message?: string; properties: { name: string; value: string }[] }>(tc: T): T {
    const report = this.remembered(this.lastReport, tc.report)
    const suite = this.remembered(this.lastSuite, tc.suite)
    const classname = this.remembered(this.lastClass, tc.classname)
    const name = maskText(tc.name)
    const message = tc.message === undefined ? undefined : maskText(tc.message)
    const file = tc.file === undefined ? undefined : this.remembered(this.lastFile, tc.file)
    const properties = tc.properties.length === 0 ? tc.properties : tc.properties.map((p) => ({ name: maskText(p.name), value: maskText(p.value) }))
    if (report === tc.report && suite === tc.suite && classname === tc.classname && name === tc.name && message === tc.message && file === tc.file && properties === tc.properties) return tc
    return { ...tc, report, suite, classname, name, message, file, properties }
  }

  private remembered(memo: string[], raw: string): string {
    if (memo[0] !== raw) {
      memo[0] = raw
      memo[1] = maskText(raw)
    }
    return memo[1] as string
  }
}
