/**
 * Masking of sensitive data in report text (SPEC §7): card numbers (13–19 digits passing Luhn,
 * last four kept), US SSNs, IBANs (checksum verified), e-mail addresses, and secrets (GitHub
 * tokens, AWS access keys, private-key blocks, bearer tokens).
 *
 * Replacements use only letters, digits, `[`, `]` and `-`, so masked text stays valid inside XML
 * or JSON, and masking masked text changes nothing (idempotent): the evaluation and its
 * re-performance from the bundle's masked inputs see the same text.
 */

export type RedactionKind = 'card' | 'ssn' | 'iban' | 'email' | 'secret'
export type RedactionCounts = Record<RedactionKind, number>

export const emptyCounts = (): RedactionCounts => ({ card: 0, ssn: 0, iban: 0, email: 0, secret: 0 })

// Order matters: secrets first (a token may contain digit runs), then e-mail, IBAN, SSN, card.
const PATTERN = new RegExp(
  [
    // GitHub tokens (classic and fine-grained), AWS access key ids, PEM private keys, bearer tokens.
    String.raw`(?<secret>\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|(?:AKIA|ASIA)[A-Z0-9]{16})\b|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)|\b[Bb]earer\s+[A-Za-z0-9\-._~+/]{16,}=*)`,
    String.raw`(?<email>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)`,
    String.raw`(?<iban>\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b)`,
    String.raw`(?<ssn>\b\d{3}-\d{2}-\d{4}\b)`,
    String.raw`(?<card>(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-]))`
  ].join('|'),
  'g'
)

/** Cheap test that a string cannot contain anything maskable, so most strings skip the regex. */
const MAYBE = /@|gh[pousr]_|github_pat_|A[KS]IA|PRIVATE KEY|[Bb]earer|[A-Z]{2}\d{2}|\d{3}-\d{2}-\d{4}|\d(?:[ -]?\d){12}/

export interface Masked {
  text: string
  /** Redactions made, per kind; undefined when there were none. */
  counts?: RedactionCounts
}

/** Masks `text`; returns it unchanged (same string) when there is nothing to mask. */
export function mask(text: string): Masked {
  if (!MAYBE.test(text)) return { text }
  let counts: RedactionCounts | undefined
  const out = text.replace(PATTERN, (match: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>
    const replacement = replace(match, groups)
    if (replacement === undefined) return match
    counts ??= emptyCounts()
    counts[replacement.kind]++
    return replacement.text
  })
  return counts ? { text: out, counts } : { text }
}

/** Just the masked text. */
export function maskText(text: string): string {
  return mask(text).text
}

export function addCounts(into: RedactionCounts, from: RedactionCounts | undefined): void {
  if (!from) return
  for (const k of Object.keys(into) as RedactionKind[]) into[k] += from[k]
}

function replace(match: string, g: Record<string, string | undefined>): { kind: RedactionKind; text: string } | undefined {
  if (g.secret) return { kind: 'secret', text: '[REDACTED-SECRET]' }
  if (g.email) return { kind: 'email', text: '[REDACTED-EMAIL]' }
  if (g.iban) return validIban(match) ? { kind: 'iban', text: '[REDACTED-IBAN]' } : undefined
  if (g.ssn) return validSsn(match) ? { kind: 'ssn', text: '[REDACTED-SSN]' } : undefined
  if (g.card) {
    const digits = match.replace(/\D/g, '')
    return luhn(digits) ? { kind: 'card', text: `[REDACTED-CARD-${digits.slice(-4)}]` } : undefined
  }
  return undefined
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

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function validIban(text: string): boolean {
  const iban = text.replace(/ /g, '')
  if (iban.length < 15 || iban.length > 34) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97
  }
  return remainder === 1
}

/** Area 000, 666 and 900–999, group 00 and serial 0000 are never issued. */
function validSsn(text: string): boolean {
  const [area, group, serial] = text.split('-') as [string, string, string]
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000'
}

/**
 * A test case with every text a report supplied masked. Suite and classname repeat across
 * thousands of cases, so the last one of each is remembered.
 */
export class CaseMasker {
  private lastSuite = ['', '']
  private lastClass = ['', '']

  mask<T extends { suite: string; classname: string; name: string; file?: string; message?: string; properties: { name: string; value: string }[] }>(tc: T): T {
    const suite = this.remembered(this.lastSuite, tc.suite)
    const classname = this.remembered(this.lastClass, tc.classname)
    const name = maskText(tc.name)
    const message = tc.message === undefined ? undefined : maskText(tc.message)
    const file = tc.file === undefined ? undefined : maskText(tc.file)
    const properties = tc.properties.length === 0 ? tc.properties : tc.properties.map((p) => ({ name: maskText(p.name), value: maskText(p.value) }))
    if (suite === tc.suite && classname === tc.classname && name === tc.name && message === tc.message && file === tc.file && properties === tc.properties) return tc
    return { ...tc, suite, classname, name, message, file, properties }
  }

  private remembered(memo: string[], raw: string): string {
    if (memo[0] !== raw) {
      memo[0] = raw
      memo[1] = maskText(raw)
    }
    return memo[1] as string
  }
}
