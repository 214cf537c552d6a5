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
  },
  audit: {
    synopsis: 'sox-gate audit --repo OWNER/REPO... --environment NAME --from DATE --to DATE [--store s3://BUCKET/PREFIX] [--check-name NAME] [--sample N | --confidence 0.95 --tolerable-rate 0.05] [--seed TEXT] [--verify all|sample] [--controls FILE] [--out DIR] [--now ISO-8601] [--format text|json] [--debug]',
    summary: 'Every deployment of a period to an environment, with the gate decision and evidence behind it, the exceptions, and a sample drawn for testing, sealed in one folder (docs/audit.md): exit 0 no exception, 1 exceptions, 2 configuration, usage or API error. Reads GITHUB_TOKEN (or GH_TOKEN) and GITHUB_API_URL.',
    options: [
      { name: 'repo', value: 'OWNER/REPO', meaning: 'a repository whose deployments are audited; give it again for more (one population)' },
      { name: 'environment', value: 'NAME', meaning: 'the deployment environment (e.g. production)' },
      { name: 'from', value: 'DATE', meaning: 'the period\'s first instant: YYYY-MM-DD (00:00 UTC) or an ISO-8601 date-time with a zone' },
      { name: 'to', value: 'DATE', meaning: 'the period\'s end, excluded: deployments created before it count' },
      { name: 'store', value: 's3://BUCKET/PREFIX', meaning: "the gate's write-once evidence store: decisions come from its ledger, evidence from its bundles", default: 'none: decisions from the check runs, bundles not read' },
      { name: 'check-name', value: 'NAME', meaning: "the gate's check run name (the action's check-name)", default: 'SOX compliance gate' },
      { name: 'sample', value: 'N', meaning: 'draw N successful deployments', default: 'from --confidence and --tolerable-rate' },
      { name: 'confidence', value: 'P', meaning: 'confidence of the sample, between 0 and 1', default: '0.95' },
      { name: 'tolerable-rate', value: 'P', meaning: 'tolerable deviation rate, between 0 and 1: n = ceil(ln(1 - confidence) / ln(1 - rate))', default: '0.05' },
      { name: 'seed', value: 'TEXT', meaning: 'the sample generator\'s seed', default: "population.csv's sha256" },
      { name: 'verify', value: 'all|sample', meaning: 'all: every bundle the population relies on is verified at every level; sample: the store\'s checks for every bundle, every level for the sample\'s', default: 'all' },
      { name: 'controls', value: 'FILE', meaning: "the control map's path in the repositories (its changes are gate-config-changed)", default: '.github/sox-controls.yml' },
      { name: 'out', value: 'DIR', meaning: 'the folder the audit is written to (empty, new, or an earlier audit folder)', default: 'sox-audit' },
      { name: 'now', value: 'ISO-8601', meaning: 'the time the audit says it was made, with a zone: the same answers and --now give a byte-identical folder', default: 'the clock' },
      { name: 'format', value: 'text|json', meaning: 'what is printed: text for a person, json for a program', default: 'text' },
      DEBUG
    ]
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
