/**
 * Secrets that announce themselves with a prefix (`ghp_`, `sk_live_`, `AIza`, `glpat-`, …): the
 * rules of secretlint's recommended preset written again as prefix + body class + length, matched
 * in code in one pass. A token is at least 20 characters of [A-Za-z0-9_-] in a row, so only such
 * runs are looked at, and they are found by looking at the 20th character first (ordinary text,
 * whose words are shorter, costs a fraction of a look per character). Inside a run a token may
 * start at the run's start or just after a `_`, `-` or digit (`--token-ghp_…`, `%22sk_live_…`),
 * never after a letter, as secretlint's rules have it.
 */
import { ALNUM, BASE64, charClass, DIGITS, LETTERS, runEnd, secretSpan, TOKEN, WORD, type Span } from './mask-chars.js'
import type { SecretKind } from './mask-kinds.js'

/** The shortest token (an AWS access key id) has 20 characters. */
const MIN_RUN = 20
const UPPER_ALNUM = charClass('A-Z0-9')
const HEX = charClass('0-9A-Fa-f')
const SLACK = charClass('A-Za-z0-9-')

interface Rule {
  prefix: string
  body: (c: number) => boolean
  /** Fewest body characters: a little under the documented length, so a key of an older or newer length is still masked. */
  min: number
  kind: SecretKind
  /** The body may end in `=` padding (base64). */
  padded?: boolean
}

/** AWS access key ids' prefixes (secretlint-rule-aws, after git-secrets), and those masked before. */
const AWS_PREFIXES = new Set(['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'AKCA', 'ASCA', 'ABCA', 'ACIA'])

const rule = (kind: SecretKind, body: (c: number) => boolean, min: number, prefixes: string[], padded = false): Rule[] => prefixes.map((prefix) => ({ prefix, body, min, kind, padded }))

/** By first character; within one, a longer prefix before a shorter one it starts with. */
const RULES = new Map<string, Rule[]>()
for (const r of [
  ...rule('github-token', ALNUM, 36, ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  ...rule('github-token', WORD, 22, ['github_pat_']),
  // GitLab's token prefixes (docs.gitlab.com, "Token prefixes"); secretlint's rule has glpat-.
  ...rule('gitlab-token', TOKEN, 20, ['glpat-', 'gloas-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'glsoat-', 'glffct-']),
  ...rule('grafana-token', BASE64, 32, ['glc_'], true),
  ...rule('grafana-token', WORD, 32, ['glsa_']),
  ...rule('groq-api-key', ALNUM, 40, ['gsk_']),
  ...rule('gcp-api-key', TOKEN, 30, ['AIza']),
  ...rule('stripe-key', ALNUM, 20, ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_']),
  ...rule('anthropic-api-key', TOKEN, 40, ['sk-ant-']),
  ...rule('openai-api-key', TOKEN, 40, ['sk-proj-', 'sk-svcacct-', 'sk-admin-']),
  ...rule('shopify-token', ALNUM, 32, ['shpat_', 'shpca_', 'shppa_', 'shpss_']),
  ...rule('npm-token', ALNUM, 36, ['npm_']),
  ...rule('notion-token', ALNUM, 40, ['ntn_']),
  ...rule('slack-token', SLACK, 10, ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxr-', 'xoxs-', 'xoxe-', 'xapp-']),
  ...rule('huggingface-token', LETTERS, 30, ['hf_']),
  ...rule('linear-api-key', WORD, 32, ['lin_api_']),
  ...rule('1password-token', BASE64, 60, ['ops_eyJ'], true),
  ...rule('vercel-token', ALNUM, 20, ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_']),
  ...rule('docker-hub-token', TOKEN, 20, ['dckr_pat_']),
  ...rule('databricks-token', HEX, 32, ['dapi']),
  ...rule('figma-token', TOKEN, 40, ['figd_']),
  ...rule('cloudflare-token', ALNUM, 40, ['cfk_', 'cfut_', 'cfat_']),
  ...rule('tailscale-key', TOKEN, 20, ['tskey-'])
]) {
  const first = r.prefix[0] as string
  RULES.set(first, [...(RULES.get(first) ?? []), r])
}
for (const list of RULES.values()) list.sort((a, b) => b.prefix.length - a.prefix.length)

const DOT = 46
/**
 * Every UTF-16 code unit's class, one look each: not a token character, a letter no prefix
 * starts with, one a prefix starts with, or a `_`, `-` or digit (after which a prefix may start).
 */
const OTHER = 0
const PLAIN = 1
const FIRST = 2
const JOIN = 3
const CLASS = new Uint8Array(65536)
for (let c = 0; c < 128; c++) if (TOKEN(c)) CLASS[c] = DIGITS(c) || c === 95 || c === 45 ? JOIN : PLAIN
for (const c of [...RULES.keys(), 'A']) CLASS[c.charCodeAt(0)] = FIRST
/** The first two characters of every prefix: most places a prefix may start are ruled out by them. */
const PAIRS = new Uint8Array(1 << 14)
const pair = (a: number, b: number): number => ((a & 127) << 7) | (b & 127)
for (const prefix of [...[...RULES.values()].flat().map((r) => r.prefix), ...AWS_PREFIXES, 'A3']) PAIRS[pair(prefix.charCodeAt(0), prefix.charCodeAt(1))] = 1

/** Returned when nothing is found, so the common case allocates nothing. */
const NONE: Span[] = []

/** Every prefixed token in the text, in order (the empty array returned is shared: do not add to it). */
export function prefixedTokens(text: string): Span[] {
  let out: Span[] = NONE
  const n = text.length
  let i = 0
  while (i + MIN_RUN <= n) {
    let j = i + MIN_RUN - 1
    while (j >= i && CLASS[text.charCodeAt(j)] !== OTHER) j--
    if (j >= i) {
      i = j + 1
      continue
    }
    // text[i] starts a run of 20 or more token characters: one pass over it, looking a token up
    // only where one may start (the run's start, or after a `_` or `-`) with a character one starts with.
    const before = i > 0 ? text.charCodeAt(i - 1) : 0
    let p = i
    if (before === DOT) {
      const found = afterDot(text, i)
      if (found) {
        out = out === NONE ? [found] : (out.push(found), out)
        p = found.end
      }
    }
    let candidate = p === i
    for (; p < n; p++) {
      const c = CLASS[text.charCodeAt(p)]
      if (c === OTHER) break
      if (candidate && c === FIRST && PAIRS[pair(text.charCodeAt(p), text.charCodeAt(p + 1))] === 1) {
        const found = tokenAt(text, p)
        if (found) {
          out = out === NONE ? [found] : (out.push(found), out)
          p = found.end - 1
          candidate = false
          continue
        }
      }
      candidate = c === JOIN
    }
    i = p
  }
  return out
}

/** The token starting at `at`, by the rules for its first character. */
function tokenAt(text: string, at: number): Span | undefined {
  const c = text[at] as string
  if (c === 'A') return awsKeyId(text, at) ?? byRules(text, at, c)
  if (c === 's' && text.startsWith('sk-', at) && !text.startsWith('sk-ant-', at)) return byRules(text, at, c) ?? legacyOpenAi(text, at)
  if (c === 'g' && text.startsWith('ghs_', at)) return byRules(text, at, c) ?? githubAppJwt(text, at)
  return byRules(text, at, c)
}

function byRules(text: string, at: number, first: string): Span | undefined {
  const rules = RULES.get(first)
  if (!rules) return undefined
  for (const r of rules) {
    if (!text.startsWith(r.prefix, at)) continue
    const body = at + r.prefix.length
    let end = runEnd(text, body, r.body)
    if (end - body < r.min) return undefined
    if (r.padded) while (end < text.length && text.charCodeAt(end) === 61 && end - body < 4096) end++
    return secretSpan(at, end, r.kind)
  }
  return undefined
}

/**
 * AWS access key ids (secretlint-rule-aws, after git-secrets): a four-character prefix and 16 of
 * [A-Z0-9], exactly 20, not followed by a word character.
 */
function awsKeyId(text: string, at: number): Span | undefined {
  const p = text.slice(at, at + 4)
  if (!AWS_PREFIXES.has(p) && !(p.startsWith('A3T') && UPPER_ALNUM(p.charCodeAt(3)))) return undefined
  const end = runEnd(text, at + 4, UPPER_ALNUM)
  return end - at === 20 && !WORD(text.charCodeAt(end)) ? secretSpan(at, end, 'aws-access-key-id') : undefined
}

/** OpenAI's older keys: `sk-` and alphanumerics around `T3BlbkFJ` (base64 of "OpenAI"). */
function legacyOpenAi(text: string, at: number): Span | undefined {
  const end = runEnd(text, at + 3, ALNUM)
  if (end - at < 40) return undefined
  return text.slice(at + 3, end).includes('T3BlbkFJ') ? secretSpan(at, end, 'openai-api-key') : undefined
}

/** GitHub App installation tokens written as `ghs_<id>_<header>.<payload>.<signature>`. */
function githubAppJwt(text: string, at: number): Span | undefined {
  const id = runEnd(text, at + 4, DIGITS)
  if (id === at + 4 || text.charCodeAt(id) !== 95) return undefined
  let end = runEnd(text, id + 1, TOKEN)
  for (let part = 0; part < 2; part++) {
    if (end === id + 1 || text.charCodeAt(end) !== DOT || !TOKEN(text.charCodeAt(end + 1))) return undefined
    end = runEnd(text, end + 1, TOKEN)
  }
  return secretSpan(at, end, 'github-token')
}

/**
 * Tokens whose prefix ends in a dot, so the run starts after it: SendGrid keys (`SG.` and two
 * dot-joined parts, 69 characters in all) and HashiCorp Vault tokens (`hvs.`, `hvb.`, `hvr.`).
 */
function afterDot(text: string, at: number): Span | undefined {
  const end = runEnd(text, at, TOKEN)
  if (text.startsWith('SG.', at - 3) && !LETTERS(text.charCodeAt(at - 4))) {
    if (text.charCodeAt(end) !== DOT) return undefined
    const last = runEnd(text, end + 1, TOKEN)
    return last - end - 1 >= 20 ? secretSpan(at - 3, last, 'sendgrid-api-key') : undefined
  }
  const p = text.slice(at - 4, at)
  if ((p === 'hvs.' || p === 'hvb.' || p === 'hvr.') && !LETTERS(text.charCodeAt(at - 5))) return secretSpan(at - 4, end, 'vault-token')
  return undefined
}
