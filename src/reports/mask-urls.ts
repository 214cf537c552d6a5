/**
 * Credentials in a URL (secretlint-rule-basicauth, -database-connection-string and the
 * x-oauth-basic form of -npm): `scheme://user:password@host`. The password is masked, the user
 * and the host stay (`postgres://app:[REDACTED-SECRET-URL-PASSWORD]@10.0.0.5/ledger`); where the
 * user is itself the token (`https://TOKEN:x-oauth-basic@github.com`, or a user of 20 or more
 * token characters and no password), the user is masked. Any scheme counts: `redis://:pw@h` and
 * `amqp://u:pw@h` leak the same way.
 */
import { charClass, LETTERS, runEnd, secretSpan, TOKEN, type Span } from './mask-chars.js'

/** RFC 3986 userinfo (unreserved, pct-encoded, sub-delims and `:`), but the quote that may delimit the URL. */
const USERINFO = charClass("A-Za-z0-9._~%!$&()*+,;=:-")
const SCHEME = charClass('A-Za-z0-9+.-')
const HOST_START = charClass('A-Za-z0-9[')
/** How far a userinfo with `@` in it is followed: bounded, so `a://u:p@x@x@…` stays linear. */
const LONGEST_USERINFO = 512
/** A variable standing for the password (`$PGPASSWORD`, `${DB_PASS}`), not a password. */
const VARIABLE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/

export interface UrlFinds {
  spans: Span[]
  /** Every `@` that ends a URL's userinfo: it is no e-mail address, whatever was masked. */
  ats: Set<number>
}

/** From each `@`, the userinfo to its left (scanned once: an `@` or `/` ends it) and the scheme before that. */
export function urlCredentials(text: string): UrlFinds {
  const spans: Span[] = []
  const ats = new Set<number>()
  // The URL before, while an `@` right after its userinfo may still extend it.
  let last: { start: number; at: number; span: Span | undefined } | undefined
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = userinfoStart(text, at)
    // `postgres://u:p@ss@host`: an `@` written unencoded in the password. As URL parsers do,
    // the last `@` ends the userinfo, so the whole password is masked.
    const extends_ = last !== undefined && start === last.at + 1 && at - last.start <= LONGEST_USERINFO && HOST_START(text.charCodeAt(at + 1))
    if (extends_ && last) {
      start = last.start
      if (last.span) spans.pop()
    } else if (start === at || text.charCodeAt(start - 1) !== 47 || text.charCodeAt(start - 2) !== 47 || text.charCodeAt(start - 3) !== 58 || !hasScheme(text, start - 3) || !HOST_START(text.charCodeAt(at + 1))) continue
    ats.add(at)
    const span = credentials(text, start, at)
    if (span) spans.push(span)
    last = { start, at, span }
  }
  return { spans, ats }
}

/**
 * Where the userinfo ending at `at` starts. A mark already there (`user:[REDACTED-…]@host`, masked
 * text masked again) is part of it, so its `@` is still a URL's and not an e-mail address's.
 */
function userinfoStart(text: string, at: number): number {
  let start = at
  for (;;) {
    while (start > 0 && USERINFO(text.charCodeAt(start - 1))) start--
    if (text.charCodeAt(start - 1) !== 93) return start
    const open = text.lastIndexOf('[', start - 1)
    if (open < 0 || start - open > 64 || !text.startsWith('[REDACTED-', open)) return start
    start = open
  }
}

/** A scheme (a letter, then letters, digits, `+`, `.`, `-`) ends just before `colon`. */
function hasScheme(text: string, colon: number): boolean {
  let s = colon
  while (s > 0 && colon - s < 32 && SCHEME(text.charCodeAt(s - 1))) s--
  const c = text.charCodeAt(s)
  return s < colon && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122))
}

function credentials(text: string, start: number, at: number): Span | undefined {
  let colon = start
  while (colon < at && text.charCodeAt(colon) !== 58) colon++
  if (colon === at) {
    // No password: a user that is a token (`https://<token>@github.com/…`).
    let i = start
    while (i < at && TOKEN(text.charCodeAt(i))) i++
    return i === at && at - start >= 20 ? secretSpan(start, at, 'url-token') : undefined
  }
  const password = text.slice(colon + 1, at)
  if (password.toLowerCase() === 'x-oauth-basic') return colon > start && text.charCodeAt(start) !== 91 ? secretSpan(start, colon, 'url-token') : undefined
  if (password === '' || password.startsWith('[REDACTED-') || VARIABLE.test(password) || /^\*+$/.test(password)) return undefined
  return secretSpan(colon + 1, at, 'url-password')
}

const WEBHOOK_HOST = 'hooks.slack.com/'
const WEBHOOK_PATH = charClass('A-Za-z0-9/_-')

/**
 * Slack webhook URLs (secretlint-rule-slack): `https://hooks.slack.com/services/T…/B…/<secret>`,
 * and the `workflows/` and `triggers/` kinds. The ids and the secret after the kind are masked;
 * the host and the kind stay.
 */
export function slackWebhooks(text: string): Span[] {
  const spans: Span[] = []
  for (let at = text.indexOf(WEBHOOK_HOST); at >= 0; at = text.indexOf(WEBHOOK_HOST, at + 1)) {
    const kind = runEnd(text, at + WEBHOOK_HOST.length, LETTERS)
    if (kind === at + WEBHOOK_HOST.length || text.charCodeAt(kind) !== 47) continue
    const end = runEnd(text, kind + 1, WEBHOOK_PATH)
    if (end - kind - 1 >= 8) spans.push(secretSpan(kind + 1, end, 'slack-webhook'))
  }
  return spans
}
