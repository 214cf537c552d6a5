/**
 * Secrets found after a word that names them (`Bearer`, `Basic`, `aws_secret_access_key=`,
 * `AccountKey=`, `sig=`, `_authToken=`, `account_id:`) and JWTs. One pass of a regex of literals
 * finds every place one may start; each is then checked in code over a bounded stretch or one
 * run of its characters, so no text is scanned twice.
 */
import { ALNUM, BASE64, charClass, LETTERS, runEnd, secretSpan, TOKEN as BASE64URL, WORD, type Span } from './mask-chars.js'

/**
 * Where one may start. Kept short: this pass runs over every character of every report.
 * mask-scan.ts's SHORT_HINT must find every place this and ACCOUNT_TRIGGER find.
 */
const TRIGGER = /eyJ|[Bb]earer[ \t]|[Bb]asic[ \t]|BASIC[ \t]|[Ss]ecret_?[Aa]ccess|SECRET_?ACCESS|[Kk]ey=|KEY=|sig=|_auth/g
/**
 * An account id's name and its `:` or `=`: a pass of its own, because "account" is a common word
 * and one regex with it and the words above costs twice as much as the two.
 */
const ACCOUNT_TRIGGER = /[Aa]ccount(?:_?[Ii][Dd])?["']?[ \t]{0,5}(?::|=>|=)|ACCOUNT(?:_?ID)?["']?[ \t]{0,5}(?::|=>|=)/g

const BEARER = charClass('A-Za-z0-9._~+/-')
/** A SAS signature, URL-encoded base64 (`%2B`, `%2F`, `%3D`) or plain. */
const SIGNATURE = charClass('A-Za-z0-9%+/=_-')
/** A value in `.npmrc`: anything up to a blank, a quote or markup. */
const NPMRC_VALUE = (c: number): boolean => c > 32 && c !== 34 && c !== 39 && c !== 60 && c !== 62 && c !== 38 && c !== 127

/** An AWS secret access key after its name: bounded, and only the value is masked. */
const AWS_NAMED = /secret_?access_?key["']?[ \t]{0,5}(?::|=>|=)[ \t]{0,5}["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/iy
/** An AWS account id after its name (secretlint-rule-aws): twelve digits, maybe in groups of four. */
const AWS_ACCOUNT = /account_?(?:id)?["']?[ \t]{0,5}(?::|=>|=)[ \t]{0,5}["']?(\d{4}-?\d{4}-?\d{4})(?![\d-])/iy

export function namedSecrets(text: string): Span[] {
  const out: Span[] = []
  TRIGGER.lastIndex = 0
  for (let m = TRIGGER.exec(text); m; m = TRIGGER.exec(text)) {
    const span = namedAt(text, m.index)
    if (!span) continue
    out.push(span)
    if (span.end > TRIGGER.lastIndex) TRIGGER.lastIndex = span.end
  }
  ACCOUNT_TRIGGER.lastIndex = 0
  for (let m = ACCOUNT_TRIGGER.exec(text); m; m = ACCOUNT_TRIGGER.exec(text)) {
    const span = awsAccount(text, m.index)
    if (!span) continue
    out.push(span)
    ACCOUNT_TRIGGER.lastIndex = span.end
  }
  return out
}

function namedAt(text: string, at: number): Span | undefined {
  const prev = at > 0 ? text.charCodeAt(at - 1) : 32
  switch (text[at]) {
    case 'e':
      return BASE64URL(prev) ? undefined : jwt(text, at)
    case 'B':
    case 'b':
      if (WORD(prev)) return undefined
      return text[at + 1] === 'e' || text[at + 1] === 'E' ? bearer(text, at) : basic(text, at)
    case 'K':
    case 'k':
      return azureKey(text, at)
    case 's':
      if (text.startsWith('sig=', at)) return ALNUM(prev) ? undefined : sasSignature(text, at + 4)
      return awsSecret(text, at, prev)
    case '_':
      return npmrc(text, at)
    default:
      return awsSecret(text, at, prev)
  }
}

/** header.payload.signature, each base64url, the first two starting `eyJ` (`{"`); the signature may be empty. */
function jwt(text: string, at: number): Span | undefined {
  const header = runEnd(text, at + 3, BASE64URL)
  if (header - at - 3 < 4 || text[header] !== '.' || !text.startsWith('eyJ', header + 1)) return undefined
  const payload = runEnd(text, header + 4, BASE64URL)
  if (payload - header - 4 < 4 || text[payload] !== '.') return undefined
  return secretSpan(at, runEnd(text, payload + 1, BASE64URL), 'jwt')
}

/** `Bearer <token>`: the word and the token (16 or more of its characters). */
function bearer(text: string, at: number): Span | undefined {
  const j = skipBlanks(text, at + 6)
  const end = runEnd(text, j, BEARER)
  if (end - j < 16) return undefined
  let pad = end
  while (text[pad] === '=') pad++
  return secretSpan(at, pad, 'bearer-token')
}

/**
 * `Basic <credentials>` (RFC 7617): base64 of `user:password`. It is masked only when it
 * decodes to text with a colon, so prose ("Basic authentication is …") stays. The word stays.
 */
function basic(text: string, at: number): Span | undefined {
  const j = skipBlanks(text, at + 5)
  const end = runEnd(text, j, BASE64)
  if (end - j < 4) return undefined
  let pad = end
  while (pad - end < 2 && text[pad] === '=') pad++
  if (WORD(text.charCodeAt(pad)) || !isCredentials(Buffer.from(text.slice(j, pad), 'base64'))) return undefined
  return secretSpan(j, pad, 'basic-auth')
}

function isCredentials(bytes: Buffer): boolean {
  let colon = false
  for (const b of bytes) {
    if (b < 32 || b === 127) return false
    if (b === 58) colon = true
  }
  return colon
}

function skipBlanks(text: string, i: number): number {
  const from = i
  while (i < text.length && i - from < 64 && (text[i] === ' ' || text[i] === '\t')) i++
  return i
}

/** `AccountKey=` (Azure Storage) and `SharedAccessKey=` (Service Bus, Event Hubs, IoT Hub) in a connection string: the value. */
function azureKey(text: string, at: number): Span | undefined {
  let name = at
  while (name > 0 && at - name < 16 && LETTERS(text.charCodeAt(name - 1))) name--
  const word = text.slice(name, at + 3).toLowerCase()
  if (word !== 'accountkey' && word !== 'sharedaccesskey') return undefined
  const value = at + 4
  let end = runEnd(text, value, BASE64)
  if (end - value < 20) return undefined
  while (end - value < 4096 && text[end] === '=') end++
  return secretSpan(value, end, 'azure-account-key')
}

/** `sig=` of a shared access signature (a SAS URL or token): the value. */
function sasSignature(text: string, value: number): Span | undefined {
  const end = runEnd(text, value, SIGNATURE)
  return end - value >= 16 ? secretSpan(value, end, 'azure-sas-signature') : undefined
}

/** `_authToken=` and `_auth=` in an `.npmrc` (secretlint-rule-npm): the value, unless it is a variable (`${NPM_TOKEN}`). */
function npmrc(text: string, at: number): Span | undefined {
  const eq = text.startsWith('_authToken=', at) ? at + 11 : text.startsWith('_auth=', at) ? at + 6 : -1
  if (eq < 0 || text[eq] === '$') return undefined
  const end = runEnd(text, eq, NPMRC_VALUE)
  return end > eq ? secretSpan(eq, end, 'npm-token') : undefined
}

function awsSecret(text: string, at: number, prev: number): Span | undefined {
  if (ALNUM(prev)) return undefined
  AWS_NAMED.lastIndex = at
  return AWS_NAMED.test(text) ? secretSpan(AWS_NAMED.lastIndex - 40, AWS_NAMED.lastIndex, 'aws-secret-access-key') : undefined
}

function awsAccount(text: string, at: number): Span | undefined {
  AWS_ACCOUNT.lastIndex = at
  const m = AWS_ACCOUNT.exec(text)
  if (!m) return undefined
  const value = m[1] as string
  return secretSpan(AWS_ACCOUNT.lastIndex - value.length, AWS_ACCOUNT.lastIndex, 'aws-account-id')
}
