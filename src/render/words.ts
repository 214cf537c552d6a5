import { integrityFailed } from '../engine/judge.js'
import type { ControlResult, GateResult } from '../engine/result.js'
import type { RangeSummary } from '../engine/range-summary.js'

/** Shared phrasing, so the CLI, the job summary and the check run say the same thing. */

export function headline(result: GateResult): string {
  const { counts } = result
  const verdict = result.decision === 'allow' ? 'ALLOW' : 'BLOCK'
  return `${verdict}: ${counts.passed} of ${counts.controls} controls passed, ${counts.failed} failed, ${counts.waived} waived`
}

export function statusLabel(status: ControlResult['status']): string {
  return status === 'pass' ? 'PASS' : status === 'fail' ? 'FAIL' : 'WAIVED'
}

export function testsCell(c: ControlResult): string {
  const t = c.tests
  if (t.matched === 0) return '—'
  const parts = [`${t.passed}/${t.matched} passed`]
  if (t.failed) parts.push(`${t.failed} failed`)
  if (t.skipped) parts.push(`${t.skipped} skipped`)
  if (t.flaky) parts.push(`${t.flaky} flaky`)
  return parts.join(', ')
}

/**
 * Every reason, the decisive ones first: for a failing control what fails it, then what explains
 * it (an approval that did not count and why); for a waived one the failure, then the waiver.
 */
export function mainReasons(c: ControlResult): string[] {
  const order: Record<string, number> = c.status === 'pass' ? { pass: 0, info: 1, fail: 2 } : c.status === 'fail' ? { fail: 0, info: 1, pass: 2 } : { fail: 0, pass: 1, info: 2 }
  return [...c.reasons].sort((a, b) => (order[a.effect] as number) - (order[b.effect] as number)).map((r) => r.message)
}

export function totalsLine(result: GateResult): string {
  const t = result.totals
  const files = result.reports.length
  return `${files} report${files === 1 ? '' : 's'}, ${t.cases} test case${t.cases === 1 ? '' : 's'} (${t.passed} passed, ${t.failed} failed, ${t.errors} error${t.errors === 1 ? '' : 's'}, ${t.skipped} skipped), ${t.unmapped} not mapped to any control`
}

/** The banner every surface shows when an emergency waiver covered an approval control (SPEC §9). */
export function emergencyBanner(result: GateResult): string | undefined {
  if (!result.emergency) return undefined
  const waived = result.controls.filter((c) => c.emergency).map((c) => `${c.id} (waiver ${c.waiver ?? '?'})`)
  return `EMERGENCY CHANGE: the approval control ${waived.join(', ')} is covered by a waiver, not by an independent review`
}

/** Which control map judged the change, and why, in one sentence (SPEC §9). */
export function trustLine(result: GateResult): string | undefined {
  const t = result.trust
  const short = (s: string | null): string => (s ? s.slice(0, 12) : '—')
  if (!t.source) return undefined
  if (t.source === 'first-adoption') return `Judged by the control map this change introduces (first adoption; sha256 ${short(t.proposedSha256)}).`
  const trusted = `the trusted control map (${t.note ?? t.source}; sha256 ${short(t.trustedSha256)})`
  const touched = t.touched.length ? ` Protected files changed: ${t.touched.map((x) => x.path).join(', ')}; control owners: ${t.owners.join(', ') || 'none named'}.` : ''
  return t.judgedBy === 'proposed' ? `Judged by the proposed control map (sha256 ${short(t.proposedSha256)}), approved by a control owner; ${trusted} was checked first.${touched}` : `Judged by ${trusted}.${touched}`
}

/** Where a range starts, in words. */
function rangeStartWords(r: RangeSummary): string {
  const at = r.start === r.startSha ? r.startSha.slice(0, 7) : `${r.start} (${r.startSha.slice(0, 7)})`
  if (r.source === 'since') return `${at}, the since input`
  if (r.source === 'deployment') return `${at}, the last successful deployment${r.environment ? ` to ${r.environment}` : ''}`
  if (r.source === 'ledger') return `${at}, the last deployment${r.environment ? ` to ${r.environment}` : ''} the gate allowed (its ledger)`
  return `${at}, the push's before`
}

/** What the deployed range ships (SPEC §10): a headline, then one line per pull request and per direct push. */
export function rangeLines(result: GateResult): { head: string; items: string[] } | undefined {
  const r = result.range
  if (!r) return undefined
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  const head = `Deployed range ${r.startSha.slice(0, 7)}…${r.sha.slice(0, 7)} from ${rangeStartWords(r)}: ${plural(r.commits, 'commit')}${r.complete ? '' : ' (GitHub did not list them all)'}, ${plural(r.pullRequests.length, 'pull request')}${r.direct.length ? `, ${plural(r.direct.length, 'direct push')}` : ''}.`
  const items = [
    ...r.pullRequests.map((p) => `#${p.number}${p.title ? ` ${p.title}` : ''} by ${p.author} (${plural(p.commits, 'commit')}): ${p.approvers.length ? `approved by ${p.approvers.join(', ')}` : 'no independent approval'}`),
    ...r.direct.map((d) => `${d.sha.slice(0, 7)} by ${d.author}: direct push, no review`)
  ]
  return { head, items }
}

/** The product's one name: every title and heading (summary, check run, report.html, OSCAL) says it. */
export const PRODUCT_NAME = 'SOX compliance gate'

/**
 * What report-only did to this run, in one sentence (SPEC §4, §9): a block is recorded but does
 * not fail, unless SOX-GATE-INTEGRITY failed (the mode itself may come from the change).
 */
export function reportOnlyWords(result: GateResult): string {
  if (integrityFailed(result)) return 'report-only does not apply: SOX-GATE-INTEGRITY failed, so this block fails the step and the command (exit 1), and a check run concludes failure — the mode itself may come from the change'
  if (result.decision === 'block') return 'report-only, not enforced: the decision is BLOCK and is recorded, but it fails neither the step nor the command (exit 0); a check run concludes neutral'
  return 'report-only, not enforced: a block would have failed neither the step nor the command'
}
