import type { AuditException, CheckRunFact, Decision, DeploymentFact, EvidenceFact, LedgerFact, StatusFact } from './model.js'

/*
 * The audit's judgement of one deployment, from facts alone (pure: no network, no clock): which
 * gate decision it relied on, and which exceptions it raises (SPEC §14).
 */

/** The moment the deployment reached its environment: its first `success` status. */
export function succeeded(d: DeploymentFact): StatusFact | undefined {
  return d.statuses.find((s) => s.state === 'success')
}

/**
 * The instant a decision must precede: the first success when there is one (a gate that runs in
 * the deploying job itself decides after the deployment is created, before it succeeds); else
 * the deployment's last status, or its creation.
 */
export function referenceTime(d: DeploymentFact): string {
  return succeeded(d)?.at ?? d.latest?.at ?? d.createdAt
}

export interface Chosen {
  /** The latest decision for the commit made at or before the reference time. */
  before?: Decision
  /** The first allow for the commit made after it, when there was none before: approved only afterwards. */
  laterAllow?: Decision
}

const byTime = <T extends { at: string | null }>(a: T, b: T): number => (a.at ?? '').localeCompare(b.at ?? '')

/**
 * With a store, the ledger is the record: the latest entry for the commit at or before the
 * reference time, for this environment (else one that names no environment; never another
 * environment's). Without one, the check runs of the gate's name: success is an allow, failure
 * and neutral (a report-only block) a block.
 */
export function chooseDecision(d: DeploymentFact, ledger: readonly LedgerFact[] | undefined, useLedger: boolean, environment: string): Chosen {
  const t = referenceTime(d)
  if (useLedger) {
    const usable = (ledger ?? []).filter((e) => e.at !== null && (e.environment === undefined || e.environment === environment))
    const pick = (list: LedgerFact[]): LedgerFact | undefined => [...list].sort((a, b) => byTime(a, b) || a.sequence - b.sequence).at(-1)
    const before = usable.filter((e) => (e.at as string) <= t)
    const chosen = pick(before.filter((e) => e.environment === environment)) ?? pick(before.filter((e) => e.environment === undefined))
    const later = usable.filter((e) => (e.at as string) > t && e.decision === 'allow').sort((a, b) => byTime(a, b) || a.sequence - b.sequence)[0]
    return { before: chosen && fromLedger(chosen), laterAllow: chosen?.decision === 'allow' || !later ? undefined : fromLedger(later) }
  }
  const runs = d.checkRuns.filter((r) => r.status === 'completed' && r.completedAt !== null && decisionOf(r) !== undefined)
  const before = runs.filter((r) => (r.completedAt as string) <= t).at(-1)
  const later = runs.find((r) => (r.completedAt as string) > t && decisionOf(r) === 'allow')
  const chosen = before && fromCheckRun(before)
  return { before: chosen, laterAllow: chosen?.decision === 'allow' || !later ? undefined : fromCheckRun(later) }
}

function decisionOf(r: CheckRunFact): 'allow' | 'block' | undefined {
  if (r.conclusion === 'success') return 'allow'
  if (r.conclusion === 'failure' || r.conclusion === 'neutral') return 'block'
  return undefined
}

function fromLedger(e: LedgerFact): Decision {
  return { decision: e.decision, at: e.at, source: 'ledger', ref: String(e.sequence), ...(e.environment ? { environment: e.environment } : {}), manifestSha256: e.manifestSha256, run: e.run }
}

function fromCheckRun(r: CheckRunFact): Decision {
  const manifest = r.externalId && /^[0-9a-f]{64}$/.test(r.externalId) ? r.externalId : null
  return { decision: decisionOf(r) as 'allow' | 'block', at: r.completedAt, source: 'check-run', ref: String(r.id), manifestSha256: manifest }
}

const short = (sha: string): string => sha.slice(0, 7)

function describeDecision(x: Decision): string {
  return x.source === 'ledger' ? `ledger entry ${x.ref}${x.environment ? ` (${x.environment})` : ''} at ${x.at ?? '?'}` : `check run ${x.ref} at ${x.at ?? '?'}`
}

/** The exceptions one deployment raises; none for a deployment that never succeeded (it did not reach the environment). */
export function deploymentExceptions(d: DeploymentFact, chosen: Chosen, evidence: EvidenceFact | undefined, checkRunNote: string | undefined): AuditException[] {
  const ok = succeeded(d)
  if (!ok) return []
  const base = { repository: d.repository, deploymentId: d.id, sha: d.sha, at: d.createdAt }
  const out: AuditException[] = []
  const when = `reached ${d.environment} at ${ok.at}`
  const { before, laterAllow } = chosen
  if (!before || before.decision === 'block') {
    if (laterAllow) {
      out.push({ ...base, code: 'approved-after-deploy', subject: `commit ${short(d.sha)}`, finding: `deployment ${d.id} of ${short(d.sha)} ${when}, but the gate allowed it only afterwards (${describeDecision(laterAllow)})${before ? `; before it, the gate had blocked it (${describeDecision(before)})` : ''}` })
    } else {
      const why = before ? `the latest decision before it was BLOCK (${describeDecision(before)})` : `no gate decision for ${short(d.sha)} was made before it${checkRunNote ? ` (${checkRunNote})` : ''}`
      out.push({ ...base, code: 'deployed-without-allow', subject: `commit ${short(d.sha)}`, finding: `deployment ${d.id} of ${short(d.sha)} ${when} by ${ok.by}: ${why}` })
    }
    return out
  }
  const e = evidence
  if (!e || e.status === 'missing') out.push({ ...base, code: 'evidence-missing', subject: describeDecision(before), finding: `the allow it relied on (${describeDecision(before)}) has no evidence bundle: ${e?.detail ?? 'none found'}` })
  else if (e.status === 'not-intact') out.push({ ...base, code: 'evidence-not-intact', subject: e.location, finding: `the evidence of the allow it relied on (${describeDecision(before)}) does not verify: ${e.detail}` })
  if (e?.emergency) {
    out.push({ ...base, code: 'emergency-change', subject: e.location, finding: `deployed under an emergency waiver (${describeDecision(before)}): the approval control was waived, not met; follow up the waiver's compensating control` })
  }
  for (const pr of e?.pullRequests ?? []) {
    // Only when every independent approval came after it: one before is what the gate relied on.
    const late = pr.approvals.filter((a) => a.at !== null && a.at > ok.at)
    if (late.length > 0 && late.length === pr.approvals.length) out.push({ ...base, code: 'approved-after-deploy', subject: `pull request #${pr.number}`, finding: `pull request #${pr.number} shipped by deployment ${d.id} (${when}) was approved by ${late.map((a) => `${a.login} at ${a.at}`).join(', ')}, after it` })
  }
  return out
}
