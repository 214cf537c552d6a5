/**
 * Finds what to mask (SPEC §7) in time linear in the text, whatever the text: every detector
 * either matches a bounded length from a literal start, or starts only where a run of its
 * characters starts and scans that run once. No pattern here can backtrack over the text it has
 * already passed (issue 12: `'a.'*n + '@' + 'a.'*n` took 30 s with one e-mail regex).
 */
import { cards } from './mask-cards.js'
import { secretSpan, type RedactionKind, type Scan, type Span } from './mask-chars.js'
import { validIban } from './mask-iban.js'
import { keyBlocks } from './mask-keys.js'
import { namedSecrets } from './mask-named.js'
import { prefixedTokens } from './mask-tokens.js'
import { slackWebhooks, urlCredentials } from './mask-urls.js'

export type { RedactionKind, Scan, Span } from './mask-chars.js'
export { luhn } from './mask-cards.js'
export { validIban } from './mask-iban.js'

/** Detector order is priority: where two overlap, the one starting first wins; at a tie, the first here. */
const ORDER: Record<RedactionKind, number> = { secret: 0, email: 1, iban: 2, ssn: 3, card: 4 }

/** Every span to mask, sorted and not overlapping (overlapping finds are merged into the first). */
export function scan(text: string, final = true): Scan {
  // The shortest maskable value, an e-mail address like a@b.co, has six characters.
  if (text.length < 6) return { spans: [] }
  // Most text (a test name, a line of XML) holds none of it: cheap looks decide which
  // detectors can find anything at all, and nothing is allocated when none can.
  // A short text (a test name) is looked at once for every word the detectors below start
  // from: one call instead of three, which is most of what a short text costs.
  const words = text.length > SHORT || SHORT_HINT.test(text)
  const hinted = words && BLOCK_HINT.test(text)
  const blocks: Scan = hinted ? keyBlocks(text, final) : { spans: [] }
  let found: Span[] = blocks.spans
  const add = (spans: Span[]): void => {
    if (spans.length > 0) found = found.length > 0 ? found.concat(spans) : spans
  }
  if (hinted) add(slackWebhooks(text))
  if (text.length >= 20) add(prefixedTokens(text))
  if (words) {
    add(namedSecrets(text))
    if (text.indexOf('@') >= 0) {
      const urls = urlCredentials(text)
      add(urls.spans)
      add(emails(text, urls.ats))
    }
  }
  if (IBAN_HINT.test(text)) add(ibans(text))
  if (text.length >= 40) add(bareAwsSecrets(text))
  if (SSN_HINT.test(text)) add(ssns(text))
  if (countDigits(text, 13) >= 13) add(cards(text))
  if (found.length === 0) return blocks.openFrom === undefined ? { spans: found } : { spans: found, openFrom: blocks.openFrom }
  const limit = blocks.openFrom ?? text.length
  found.sort((a, b) => a.start - b.start || ORDER[a.kind] - ORDER[b.kind] || b.end - a.end)
  const spans: Span[] = []
  for (const s of found) {
    if (s.start >= limit) break
    const last = spans[spans.length - 1]
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end)
    else spans.push({ ...s })
  }
  // A span reaching into the open block waits with it, so nothing is masked from half a value.
  let openFrom = blocks.openFrom
  if (openFrom !== undefined) {
    for (let last = spans[spans.length - 1]; last && last.end > openFrom; last = spans[spans.length - 1]) {
      openFrom = Math.min(openFrom, last.start)
      spans.pop()
    }
  }
  return openFrom === undefined ? { spans } : { spans, openFrom }
}

/** Private-key blocks and Slack webhooks: one regex of literals costs hardly more than one literal. */
const BLOCK_HINT = /-----BEGIN|PuTTY-User-Key-File-|hooks\.slack\.com\//
const IBAN_HINT = /[A-Za-z]{2}\d{2}/
const SHORT = 256
/**
 * Every place BLOCK_HINT, namedSecrets, an e-mail and a URL's credentials start from (IBAN_HINT
 * stays apart: in one regex with these it costs more than the two).
 */
const SHORT_HINT = /-----BEGIN|PuTTY-User-Key-File-|hooks\.slack\.com\/|@|eyJ|[Bb]earer[ \t]|[Bb]asic[ \t]|BASIC[ \t]|[Ss]ecret_?[Aa]ccess|SECRET_?ACCESS|[Kk]ey=|KEY=|sig=|_auth|ccount(?:_?[Ii][Dd])?["']?[ \t]{0,5}(?::|=>|=)|CCOUNT(?:_?ID)?["']?[ \t]{0,5}(?::|=>|=)/
const SSN_HINT = /\d{3}[- ]?\d{2}[- ]?\d{4}/

/** How many digits the text holds (full-width ones too), counting no further than `enough`. */
function countDigits(text: string, enough: number): number {
  let n = 0
  for (let i = 0; i < text.length && n < enough; i++) {
    const c = text.charCodeAt(i)
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) n++
  }
  return n
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0
  for (let m = re.exec(text); m; m = re.exec(text)) yield m
}

// ---- an AWS secret access key standing alone -----------------------------------------------

const B64 = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+') B64[c.charCodeAt(0)] = 1
const inB64 = (c: number): boolean => c < 128 && B64[c] === 1

/**
 * A camelCase name (`testCopyPasteIpsObjectFromArchive2Folder`): no `/` or `+` and never two
 * capitals in a row. Of random 40-character keys about one in a thousand looks so.
 */
const IDENTIFIER = /^(?:[a-z0-9]|[A-Z](?![A-Z]))+$/

/**
 * 40 characters of base64 standing alone, with the upper case, lower case and digit a random
 * AWS secret access key has (a hex digest has no upper case), and not a camelCase name. Runs are found by looking at the
 * 40th character first and skipping past any that breaks a run, so ordinary text costs a
 * fraction of a look per character.
 */
function bareAwsSecrets(text: string): Span[] {
  const out: Span[] = []
  let i = 0
  while (i + 40 <= text.length) {
    let j = i + 39
    while (j >= i && inB64(text.charCodeAt(j))) j--
    if (j >= i) {
      i = j + 1
      continue
    }
    let end = i + 40
    while (end < text.length && inB64(text.charCodeAt(end))) end++
    const startsRun = i === 0 || !inB64(text.charCodeAt(i - 1))
    if (startsRun && end - i === 40 && text.charCodeAt(end) !== 61) {
      const run = text.slice(i, end)
      if (/[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run) && !IDENTIFIER.test(run)) out.push(secretSpan(i, end, 'aws-secret-access-key'))
    }
    i = end
  }
  return out
}

// ---- e-mail addresses -----------------------------------------------------------------------

const isLocal = (c: number): boolean => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 // . _ % + -
const isDomain = (c: number): boolean => isAlnum(c) || c === 46 || c === 45 // . -
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/**
 * From each `@`, the local part to the left and the domain to the right, each scanned once (an
 * `@` stops both scans, so no character is looked at more than twice). The domain ends with a
 * dot and a top-level label of two or more letters.
 */
function emails(text: string, urlAts: ReadonlySet<number>): Span[] {
  const out: Span[] = []
  let floor = 0
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    // The `@` of a URL's userinfo: its host is kept, and its password is the URL detector's.
    if (urlAts.has(at)) {
      floor = at + 1
      continue
    }
    let start = at
    while (start > floor && isLocal(text.charCodeAt(start - 1))) start--
    let stop = at + 1
    while (stop < text.length && isDomain(text.charCodeAt(stop))) stop++
    floor = at + 1
    if (start === at) continue
    const end = domainEnd(text, at + 1, stop)
    if (end === undefined) continue
    out.push({ start, end, kind: 'email' })
    floor = end
  }
  return out
}

/** End of the longest domain in text[from, stop) that has a dot and ends in a label of 2+ letters. */
function domainEnd(text: string, from: number, stop: number): number | undefined {
  let letters = 0
  // Walk back from the end; a candidate end is a letter run of 2+ after a dot, at the end or before `.`/`-`.
  for (let i = stop - 1; i > from; i--) {
    const c = text.charCodeAt(i)
    if (isLetter(c)) {
      letters++
      continue
    }
    if (c === 46 && letters >= 2 && i > from && isAlnum(text.charCodeAt(i - 1))) {
      const end = i + 1 + letters
      if (end === stop || !isAlnum(text.charCodeAt(end))) return end
    }
    letters = 0
  }
  return undefined
}

// ---- IBANs and SSNs ------------------------------------------------------------------------

/**
 * Country, check digits and 2–8 groups, in either case, the groups maybe parted by one space (or
 * a no-break space): at most 46 characters from a word start.
 */
const IBAN = /\b[A-Za-z]{2}\d{2}(?:[ \u00A0]?[A-Za-z0-9]{4}){2,7}(?:[ \u00A0]?[A-Za-z0-9]{1,4})?\b/g

function ibans(text: string): Span[] {
  const out: Span[] = []
  for (const m of matches(IBAN, text)) if (validIban(m[0])) out.push({ start: m.index, end: m.index + m[0].length, kind: 'iban' })
  return out
}

/**
 * `123-45-6789`, `123 45 6789` and `123456789`, one separator throughout. The rule against false
 * positives: the nine digits stand alone — not inside a word, not part of a longer number, a
 * decimal (`0.123456789`), a digit group (`1,123,456,789`) or a list of numbers (`7 123456789 8`).
 */
const SSN = /(?<!\d[ .,-]?)\b(\d{3})([- ]?)(\d{2})\2(\d{4})\b(?![ .,-]?\d)/g

function ssns(text: string): Span[] {
  const out: Span[] = []
  for (const m of matches(SSN, text)) {
    const [, area, , group, serial] = m as unknown as [string, string, string, string, string]
    if (validSsn(area, group, serial)) out.push({ start: m.index, end: m.index + m[0].length, kind: 'ssn' })
  }
  return out
}

/** Area 000, 666 and 900–999, group 00 and serial 0000 are never issued. */
function validSsn(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000'
}
