import path from 'node:path'
import { parseArgs } from 'node:util'
import { takeOption } from '../cli/option-token.js'
import { UsageError } from '../cli/args.js'
import { COMMANDS } from '../cli/help.js'
import { parseStoreUrl } from '../evidence/store/location.js'
import type { AuditOptions } from './model.js'

const SPEC = COMMANDS.audit.options
const TYPES = new Map(SPEC.map((o) => [o.name, 'value' in o && o.value ? 'string' : 'boolean'] as const))

export type AuditArgs = ({ help: true } | ({ help: false } & AuditOptions)) & { debug: boolean }

/**
 * `sox-gate audit …` → options, every problem of the command line collected into one
 * UsageError (the CLI prints them with the command's usage). `argv` follows the word `audit`.
 */
export function parseAuditArgs(argv: readonly string[], cwd: string): AuditArgs {
  const options = Object.fromEntries([...TYPES].map(([name, type]) => [name, { type, multiple: true }]))
  const { tokens } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h', multiple: true } }, allowPositionals: true, strict: false, tokens: true })
  const problems: string[] = []
  const values = new Map<string, string[]>()
  const flags = new Set<string>()
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue
    if (t.kind === 'positional') problems.push(`unexpected argument "${t.value}" (audit takes options only)`)
    else if (t.name === 'help') flags.add('help')
    else takeOption(t, TYPES.get(t.name), { values, flags, problems })
  }
  const debug = flags.has('debug')
  if (flags.has('help')) return { help: true, debug }
  for (const [name, given] of values) if (given.length > 1 && name !== 'repo') problems.push(`--${name} is given ${given.length} times: give it once`)
  const one = (name: string): string | undefined => values.get(name)?.[0]

  const repos = [...new Set(values.get('repo') ?? [])]
  if (repos.length === 0) problems.push('--repo OWNER/REPO is required')
  for (const r of repos) if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(r) || r.endsWith('/.') || r.endsWith('/..')) problems.push(`--repo must be OWNER/REPO, not "${r}"`)
  const environment = one('environment')
  if (environment === undefined || environment.trim() === '') problems.push('--environment NAME is required')
  const from = date(problems, '--from', one('from'))
  const to = date(problems, '--to', one('to'))
  if (from && to && from.getTime() >= to.getTime()) problems.push(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`)
  const storeText = one('store')
  const store = storeText === undefined ? undefined : parseStoreUrl(storeText)
  if (typeof store === 'string') problems.push(`--store: ${store}`)

  const n = one('sample')
  const confidence = one('confidence')
  const rate = one('tolerable-rate')
  let sample: AuditOptions['sample']
  if (n !== undefined) {
    if (confidence !== undefined || rate !== undefined) problems.push('give --sample N or --confidence and --tolerable-rate, not both')
    if (!/^[1-9]\d{0,6}$/.test(n)) problems.push(`--sample must be a whole number from 1, not "${n}"`)
    sample = { kind: 'count', n: Number(n) }
  } else {
    sample = { kind: 'rule', confidence: fraction(problems, '--confidence', confidence ?? '0.95'), rate: fraction(problems, '--tolerable-rate', rate ?? '0.05') }
  }
  const seed = one('seed')
  if (seed !== undefined && seed === '') problems.push('--seed must not be empty')
  const verify = one('verify') ?? 'all'
  if (verify !== 'all' && verify !== 'sample') problems.push(`--verify must be one of all, sample, not "${verify}"`)
  const format = one('format') ?? 'text'
  if (format !== 'text' && format !== 'json') problems.push(`--format must be one of text, json, not "${format}"`)
  const nowText = one('now')
  let now: Date | undefined
  if (nowText !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(nowText) || Number.isNaN(Date.parse(nowText))) problems.push(`--now must be an ISO-8601 date-time with a zone (e.g. 2026-11-22T12:00:00Z), not "${nowText}"`)
    else now = new Date(nowText)
  }
  if (problems.length > 0) throw new UsageError(problems, 'audit')
  return {
    help: false,
    debug,
    repos,
    environment: environment as string,
    from: from as Date,
    to: to as Date,
    ...(store && typeof store !== 'string' ? { store } : {}),
    checkName: one('check-name') ?? 'SOX compliance gate',
    sample,
    ...(seed !== undefined ? { seed } : {}),
    out: path.resolve(cwd, one('out') ?? 'sox-audit'),
    ...(now ? { now } : {}),
    format: format as 'text' | 'json',
    controls: one('controls') ?? '.github/sox-controls.yml',
    verify: verify as 'all' | 'sample'
  }
}

/** YYYY-MM-DD (midnight UTC) or an ISO-8601 date-time with a zone: a period means the same instants everywhere. */
function date(problems: string[], flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) {
    problems.push(`${flag} DATE is required`)
    return undefined
  }
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value)
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  const t = Date.parse(day ? `${value}T00:00:00Z` : value)
  if ((!day && !stamp) || Number.isNaN(t) || (day && new Date(t).toISOString().slice(0, 10) !== value)) {
    problems.push(`${flag} must be a date (YYYY-MM-DD, midnight UTC) or an ISO-8601 date-time with a zone, not "${value}"`)
    return undefined
  }
  return new Date(t)
}

function fraction(problems: string[], flag: string, value: string): number {
  const x = Number(value)
  if (!/^(0?\.\d+|0|1)$/.test(value) || !(x > 0 && x < 1)) problems.push(`${flag} must be a number between 0 and 1 (e.g. 0.95), not "${value}"`)
  return x
}
