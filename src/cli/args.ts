import { parseArgs } from 'node:util'
import { takeOption } from './option-token.js'
import { COMMANDS, type CommandName } from './help.js'

/** A command line that cannot run: every problem of it, one line each. */
export class UsageError extends Error {
  constructor(
    readonly problems: string[],
    /** The command whose usage to show, when known. */
    readonly command?: CommandName
  ) {
    super(problems.join('\n'))
  }
}

export { USAGE } from './help.js'

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

export type CliArgs =
  | CheckArgs
  | { command: 'validate'; controls: string }
  | VerifyArgs
  | { command: 'ledger'; url: string }
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' }

export interface VerifyArgs {
  command: 'verify'
  dir: string
  expectSha256?: string
  trustedRoot?: string
  certificateIdentity?: string
}

export const DEFAULT_CONTROLS = '.github/sox-controls.yml'

const OPTION_TYPES = Object.fromEntries(Object.values(COMMANDS).flatMap((c) => c.options.map((o) => [o.name, o.value ? 'string' : 'boolean'] as const)))

/**
 * argv (without node and script) → typed arguments. Every problem of the command line is
 * collected and thrown together as one UsageError, in our own words (not Node's parser's).
 */
export function parseCliArgs(argv: readonly string[]): CliArgs & { debug: boolean } {
  // Declared, so that a value is taken as the option's; not strict, so that every problem is ours to word and collect.
  const options = Object.fromEntries([...Object.entries(OPTION_TYPES), ['version', 'boolean'], ['help', 'boolean']].map(([name, type]) => [name, { type: type as 'string' | 'boolean', multiple: true }]))
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true })
  const problems: string[] = []
  const values = new Map<string, string[]>()
  const flags = new Set<string>()
  const positionals: string[] = []
  let afterDashes = false
  for (const t of tokens) {
    if (t.kind === 'option-terminator') afterDashes = true
    else if (t.kind === 'positional') positionals.push(t.value)
    else if (afterDashes) positionals.push(t.rawName)
    else if (t.name === 'version' || t.rawName === '-V' || t.rawName === '-v') flags.add('version')
    else if (t.name === 'help' || t.rawName === '-h') flags.add('help')
    else takeOption(t, t.name in OPTION_TYPES ? OPTION_TYPES[t.name] : undefined, { values, flags, problems })
  }
  const debug = flags.has('debug')
  const [first, ...rest] = positionals
  if (first === undefined || first === 'help') {
    // Before any command: only --version, --help and --debug mean something; anything else is told, never ignored.
    for (const name of [...values.keys(), ...flags]) if (!['version', 'help', 'debug'].includes(name)) problems.push(`--${name} is an option of ${inWords(commandsWith(name))}: give the command first, as in sox-gate ${commandsWith(name)[0] ?? 'check'} --${name} …`)
    if (problems.length > 0) throw new UsageError(problems)
    if (flags.has('version') && first === undefined) return { command: 'version', debug }
    const topic = first === 'help' ? rest[0] : undefined
    if (topic !== undefined && !(topic in COMMANDS)) throw new UsageError([`no help on "${topic}": the commands are ${Object.keys(COMMANDS).join(', ')}`])
    return { command: 'help', topic: topic as CommandName | undefined, debug }
  }
  if (!(first in COMMANDS)) throw new UsageError([`unknown command "${first}": the commands are ${Object.keys(COMMANDS).join(', ')}`, ...problems])
  const command = first as CommandName
  if (flags.has('help') && problems.length === 0) return { command: 'help', topic: command, debug }
  const allowed = new Set(COMMANDS[command].options.map((o) => o.name))
  // A command never runs with an option it would ignore: `check --version` does not check quietly, nor print a version.
  if (flags.has('version')) problems.push(`--version goes alone, without a command: sox-gate --version`)
  for (const name of [...values.keys(), ...flags]) if (name !== 'version' && name !== 'help' && !allowed.has(name)) problems.push(`--${name} does not apply to "${command}"`)
  for (const [name, given] of values) if (given.length > 1 && name !== 'reports') problems.push(`--${name} is given ${given.length} times: give it once`)
  const one = (name: string): string | undefined => values.get(name)?.[0]
  const fail = (): never => {
    throw new UsageError(problems, command)
  }

  if (command === 'verify') {
    if (rest.length !== 1) problems.push(`verify takes exactly one DIR (or s3://… URL), ${rest.length === 0 ? 'none was given' : `not ${rest.length}`}`)
    const expect = one('expect-sha256')
    if (expect !== undefined && !/^[0-9a-fA-F]{64}$/.test(expect)) problems.push(`--expect-sha256 must be 64 hex digits (the evidence-sha256 output), not "${expect}"`)
    if (one('certificate-identity') !== undefined && one('trusted-root') === undefined) problems.push('--certificate-identity needs --trusted-root FILE: an identity means nothing without a checked signature')
    if (problems.length > 0) fail()
    return { command, dir: rest[0] as string, expectSha256: expect, trustedRoot: one('trusted-root'), certificateIdentity: one('certificate-identity'), debug }
  }
  if (command === 'ledger') {
    if (rest.length !== 1 || !rest[0]?.startsWith('s3://')) problems.push('ledger takes exactly one s3://BUCKET/PREFIX/OWNER/REPO')
    if (problems.length > 0) fail()
    return { command, url: rest[0] as string, debug }
  }
  for (const extra of rest) problems.push(`unexpected argument "${extra}" (${command} takes options only${extra.includes('*') || extra.includes('/') ? '; a report glob goes after --reports, quoted' : ''})`)
  const controls = one('controls') ?? DEFAULT_CONTROLS
  if (command === 'validate') {
    if (problems.length > 0) fail()
    return { command, controls, debug }
  }
  const format = oneOf(problems, '--format', one('format') ?? 'text', ['text', 'json'] as const)
  const mode = oneOf(problems, '--mode', one('mode') ?? 'enforce', ['enforce', 'report-only'] as const)
  const nowText = one('now')
  const now = nowText === undefined ? undefined : parseNow(problems, nowText)
  if (problems.length > 0) fail()
  return { command: 'check', controls, baseControls: one('base-controls'), reports: values.get('reports') ?? [], change: one('change'), evidence: one('evidence'), format, mode, now, debug }
}

/** The commands that take an option, for a message that says where it belongs. */
function commandsWith(option: string): string[] {
  return Object.entries(COMMANDS)
    .filter(([, c]) => c.options.some((o) => o.name === option))
    .map(([name]) => name)
}

function oneOf<T extends string>(problems: string[], flag: string, value: string, options: readonly T[]): T {
  if ((options as readonly string[]).includes(value)) return value as T
  problems.push(`${flag} must be one of ${options.join(', ')}, not "${value}"`)
  return options[0] as T
}

function parseNow(problems: string[], value: string): Date | undefined {
  // A zone is required: "now" must mean the same instant on every machine that re-performs it.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(`--now must be an ISO-8601 date-time with a zone (e.g. 2026-11-22T12:00:00Z), not "${value}"`)
    return undefined
  }
  return new Date(value)
}

/** "a", "a and b", "a, b and c". */
function inWords(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`
}
