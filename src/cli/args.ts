import { parseArgs } from 'node:util'

export class UsageError extends Error {}

export const USAGE = `usage:
  sox-gate check    [--controls FILE] [--base-controls FILE] [--reports GLOB]... [--change FILE] [--evidence DIR]
                    [--format text|json] [--mode enforce|report-only] [--now ISO-8601] [--debug]
  sox-gate validate [--controls FILE]
  sox-gate verify   DIR|s3://BUCKET/PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/ [--expect-sha256 HEX] [--trusted-root FILE]
                    [--certificate-identity REGEX]
  sox-gate ledger   s3://BUCKET/PREFIX/OWNER/REPO

exit codes: 0 allow / valid / intact, 1 block / tampered, 2 configuration or usage error`

export interface CheckArgs {
  command: 'check'
  controls: string
  /** The trusted map (SPEC §9): the one at the change's base, or a policy repository's. */
  baseControls?: string
  reports: string[]
  change?: string
  evidence?: string
  format: 'text' | 'json'
  mode: 'enforce' | 'report-only'
  now?: Date
}

export type CliArgs = CheckArgs | { command: 'validate'; controls: string } | VerifyArgs | { command: 'ledger'; url: string } | { command: 'help' }

export interface VerifyArgs {
  command: 'verify'
  dir: string
  expectSha256?: string
  trustedRoot?: string
  certificateIdentity?: string
}

export const DEFAULT_CONTROLS = '.github/sox-controls.yml'

/** argv (without node and script) → typed arguments; anything off is a UsageError. */
export function parseCliArgs(argv: readonly string[]): CliArgs & { debug: boolean } {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        controls: { type: 'string' },
        'base-controls': { type: 'string' },
        reports: { type: 'string', multiple: true },
        change: { type: 'string' },
        evidence: { type: 'string' },
        format: { type: 'string' },
        mode: { type: 'string' },
        now: { type: 'string' },
        debug: { type: 'boolean' },
        'expect-sha256': { type: 'string' },
        'trusted-root': { type: 'string' },
        'certificate-identity': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  const { values, positionals } = parsed
  const debug = values.debug === true
  const [command, ...rest] = positionals
  if (values.help || command === 'help' || command === undefined) return { command: 'help', debug }
  const allowed: Record<string, string[]> = {
    check: ['controls', 'base-controls', 'reports', 'change', 'evidence', 'format', 'mode', 'now', 'debug'],
    validate: ['controls', 'debug'],
    verify: ['debug', 'expect-sha256', 'trusted-root', 'certificate-identity'],
    ledger: ['debug']
  }
  const flags = allowed[command]
  if (!flags) throw new UsageError(`unknown command "${command}" (check, validate, verify or ledger)`)
  for (const key of Object.keys(values)) if (!flags.includes(key)) throw new UsageError(`--${key} does not apply to "${command}"`)
  if (command === 'verify') {
    if (rest.length !== 1) throw new UsageError('verify takes exactly one DIR')
    const expect = values['expect-sha256']
    if (expect !== undefined && !/^[0-9a-fA-F]{64}$/.test(expect)) throw new UsageError(`--expect-sha256 must be 64 hex digits (the evidence-sha256 output), not "${expect}"`)
    if (values['certificate-identity'] !== undefined && values['trusted-root'] === undefined) throw new UsageError('--certificate-identity needs --trusted-root FILE: an identity means nothing without a checked signature')
    return { command, dir: rest[0] as string, expectSha256: expect, trustedRoot: values['trusted-root'], certificateIdentity: values['certificate-identity'], debug }
  }
  if (command === 'ledger') {
    if (rest.length !== 1 || !rest[0]?.startsWith('s3://')) throw new UsageError('ledger takes exactly one s3://BUCKET/PREFIX/OWNER/REPO')
    return { command, url: rest[0], debug }
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
  const controls = values.controls ?? DEFAULT_CONTROLS
  if (command === 'validate') return { command, controls, debug }
  return {
    command: 'check',
    controls,
    baseControls: values['base-controls'],
    reports: values.reports ?? [],
    change: values.change,
    evidence: values.evidence,
    format: oneOf('--format', values.format ?? 'text', ['text', 'json'] as const),
    mode: oneOf('--mode', values.mode ?? 'enforce', ['enforce', 'report-only'] as const),
    now: values.now === undefined ? undefined : parseNow(values.now),
    debug
  }
}

function oneOf<T extends string>(flag: string, value: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${options.join(', ')}, not "${value}"`)
  return value as T
}

function parseNow(value: string): Date {
  // A zone is required: "now" must mean the same instant on every machine that re-performs it.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`--now must be an ISO-8601 date-time with a zone (e.g. 2026-11-22T12:00:00Z), not "${value}"`)
  }
  return new Date(value)
}
