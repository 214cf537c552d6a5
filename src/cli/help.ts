/** Every command of the CLI, its options, what each means and its default: one place for usage and help. */
export interface OptionSpec {
  name: string
  /** The value's placeholder; none for a flag. */
  value?: string
  meaning: string
  default?: string
}

export interface CommandSpec {
  synopsis: string
  summary: string
  options: OptionSpec[]
}

const DEBUG: OptionSpec = { name: 'debug', meaning: 'print the stack trace of an error (also when ACTIONS_STEP_DEBUG is true)' }

export const COMMANDS = {
  check: {
    synopsis: 'sox-gate check [--controls FILE] [--base-controls FILE] [--reports GLOB]... [--change FILE] [--evidence DIR] [--format text|json] [--mode enforce|report-only] [--now ISO-8601] [--debug]',
    summary: 'Reads the test reports, evaluates every control of the map, and prints the decision: exit 0 allow, 1 block, 2 a configuration or usage error.',
    options: [
      { name: 'controls', value: 'FILE', meaning: 'the control map (the one the change proposes)', default: '.github/sox-controls.yml' },
      { name: 'base-controls', value: 'FILE', meaning: "the trusted control map (the one at the change's base, or a policy repository's): it judges whenever the change touches a protected path without a control owner's approval", default: 'the --controls map is trusted' },
      { name: 'reports', value: 'GLOB', meaning: 'report files to read, a glob (quote it); give it again for more', default: "the map's `reports:`" },
      { name: 'change', value: 'FILE', meaning: 'a change record (change.json of an evidence bundle, or one written by hand: docs/change-record.md) for approval controls and waivers', default: 'none: approval controls fail' },
      { name: 'evidence', value: 'DIR', meaning: 'write the sealed evidence bundle to DIR', default: 'no bundle' },
      { name: 'format', value: 'text|json', meaning: 'text for a person, json for a program (the same object as decision.json)', default: 'text' },
      { name: 'mode', value: 'enforce|report-only', meaning: 'report-only exits 0 on a block (the decision is still block), unless SOX-GATE-INTEGRITY failed', default: 'enforce' },
      { name: 'now', value: 'ISO-8601', meaning: 'the time waivers are judged at, with a zone (2026-11-22T12:00:00Z): re-performing a decision uses the time it was made', default: 'the clock' },
      DEBUG
    ]
  },
  validate: {
    synopsis: 'sox-gate validate [--controls FILE] [--debug]',
    summary: 'Checks a control map (schema and meaning) and lists every problem at once: exit 0 valid, 2 invalid.',
    options: [{ name: 'controls', value: 'FILE', meaning: 'the control map', default: '.github/sox-controls.yml' }, DEBUG]
  },
  verify: {
    synopsis: 'sox-gate verify DIR|s3://BUCKET/PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/ [--expect-sha256 HEX] [--trusted-root FILE] [--certificate-identity REGEX] [--debug]',
    summary: 'Recomputes every hash of an evidence bundle and re-performs its decision from the inputs it kept: exit 0 intact, 1 tampered, 2 usage error.',
    options: [
      { name: 'expect-sha256', value: 'HEX', meaning: "the manifest's sha256 as the run published it (the evidence-sha256 output): binds the bundle to that run", default: 'not checked' },
      { name: 'trusted-root', value: 'FILE', meaning: 'a Sigstore trusted root (JSON): checks the attestation signature against it', default: 'signature not checked' },
      { name: 'certificate-identity', value: 'REGEX', meaning: "the signer's identity the certificate must name (a workflow URL), with --trusted-root", default: 'any identity the root vouches for' },
      DEBUG
    ]
  },
  ledger: {
    synopsis: 'sox-gate ledger s3://BUCKET/PREFIX/OWNER/REPO [--debug]',
    summary: "Checks the write-once store's hash chain of a repository's evidence ledger: exit 0 intact, 1 broken, 2 usage error.",
    options: [DEBUG]
  }
} satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMANDS

/** What `sox-gate` and `sox-gate help` print: every command, and the exit codes. */
export const USAGE = `usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.synopsis}`)
  .join('\n')}
  sox-gate help [COMMAND]      what each option means, and its default
  sox-gate --version           (also -v, -V)

exit codes: 0 allow / valid / intact, 1 block / tampered, 2 configuration or usage error`

/** `sox-gate help COMMAND` and `sox-gate COMMAND --help`: every option, its meaning and default. */
export function commandHelp(name: CommandName): string {
  const c: CommandSpec = COMMANDS[name]
  const width = Math.max(...c.options.map((o) => `--${o.name}${o.value ? ` ${o.value}` : ''}`.length))
  const lines = [`usage: ${c.synopsis}`, '', c.summary, '', 'options:']
  for (const o of c.options) {
    const flag = `--${o.name}${o.value ? ` ${o.value}` : ''}`
    lines.push(`  ${flag.padEnd(width)}  ${o.meaning}${o.default ? ` (default: ${o.default})` : ''}`)
  }
  return lines.join('\n') + '\n'
}
