import type { ChangeRecord } from '../change/model.js'
import { INTEGRITY_CONTROL_ID } from '../controls/protected.js'
import type { ControlMap } from '../controls/model.js'
import { ConfigError, type InputProblem } from '../errors.js'
import type { GateResult } from './result.js'
import { decideTrust, mapSha256, type TrustDecision } from './trust.js'

/**
 * Decides which map judges (SPEC §9), once, before anything is evaluated. `trusted` is the map
 * read from outside the change (undefined: the proposed map is the only one, as on a laptop; null:
 * first adoption). A change record that was judged by other maps than the ones given cannot be
 * re-performed with them: that is a configuration error, never a silent re-judgement. Its message
 * names both ways out: the maps the record names, or a hand-written record without `trust`.
 */
export function decideJudge(proposed: ControlMap, trusted: ControlMap | null | undefined, change: ChangeRecord | undefined, options: { rowOnPlainRun?: boolean; changeFile?: string } = {}): TrustDecision {
  const rowOnPlainRun = options.rowOnPlainRun ?? true
  const facts = change?.trust
  if (facts) {
    const given = trusted === undefined ? proposed : trusted
    const problems: InputProblem[] = []
    const mismatches: string[] = []
    const flags: string[] = []
    if (facts.source === 'first-adoption') {
      if (trusted) problems.push({ file: trusted.file, message: 'the change record says the control map was introduced by the change (first adoption), so no trusted map applies: drop --base-controls' })
    } else if (given === null || mapSha256(given) !== facts.sha256) {
      mismatches.push(`it was judged by the trusted control map ${facts.repository}/${facts.path}@${facts.ref ?? '?'} with sha256 ${facts.sha256 ?? '?'}, but ${given === null ? 'none was given' : `${given.file} has sha256 ${mapSha256(given)}`}`)
      flags.push('--base-controls FILE')
    }
    if (mapSha256(proposed) !== facts.proposedSha256) {
      mismatches.push(`its proposed control map had sha256 ${facts.proposedSha256}, but ${proposed.file} has sha256 ${mapSha256(proposed)}`)
      flags.unshift('--controls FILE')
    }
    if (mismatches.length > 0) {
      const message = `the change record's trust facts name other control maps than the ones given: ${mismatches.join('; ')}. To re-perform that record, give ${flags.length > 1 ? 'those maps' : 'that map'} with ${flags.join(' and ')}; for a change record written by hand, remove \`trust\` from it to judge it by the --controls map as given (docs/change-record.md)`
      problems.push({ file: options.changeFile ?? 'change record', message })
    }
    if (problems.length > 0) throw new ConfigError(problems)
    return decideTrust({ trusted: facts.source === 'first-adoption' ? null : (given as ControlMap), proposed, change, rowOnPlainRun })
  }
  return decideTrust({ trusted: trusted === undefined ? proposed : trusted, proposed, change, rowOnPlainRun })
}

/** SOX-GATE-INTEGRITY failing overrides report-only: the mode itself may have come from the change. */
export function integrityFailed(result: GateResult): boolean {
  return result.controls.some((c) => c.id === INTEGRITY_CONTROL_ID && c.status === 'fail')
}
