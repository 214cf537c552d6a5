import { succeeded } from './decide.js'
import type { AuditException, Decision, DeploymentFact, EvidenceFact } from './model.js'
import { pullRequestLines } from './pull-requests.js'

/** One deployment with what the audit found about it: a population row. */
export interface Row {
  fact: DeploymentFact
  decision?: Decision
  evidence?: EvidenceFact
  exceptions: AuditException[]
}

export const POPULATION_COLUMNS = [
  'repository',
  'deployment_id',
  'created_at',
  'creator',
  'sha',
  'ref',
  'environment',
  'final_status',
  'final_status_at',
  'final_status_by',
  'succeeded_at',
  'succeeded_by',
  'decision',
  'decision_at',
  'decision_source',
  'decision_ref',
  'decision_environment',
  'manifest_sha256',
  'evidence',
  'evidence_status',
  'evidence_detail',
  'attestation',
  'emergency',
  'pull_requests',
  'gate_check_runs',
  'exceptions'
] as const

export function populationValues(r: Row): string[] {
  const d = r.fact
  const ok = succeeded(d)
  const x = r.decision
  const e = r.evidence
  return [
    d.repository,
    String(d.id),
    d.createdAt,
    d.creator,
    d.sha,
    d.ref,
    d.environment,
    d.latest?.state ?? '',
    d.latest?.at ?? '',
    d.latest?.by ?? '',
    ok?.at ?? '',
    ok?.by ?? '',
    x?.decision ?? 'none',
    x?.at ?? '',
    x?.source ?? '',
    x ? (x.source === 'ledger' ? `ledger entry ${x.ref} (run ${x.run?.id ?? '?'}-${x.run?.attempt ?? '?'})` : `check run ${x.ref}`) : '',
    x?.environment ?? '',
    x?.manifestSha256 ?? '',
    e?.location ?? '',
    e?.status ?? '',
    e?.detail ?? '',
    e?.attestation ?? '',
    e?.emergency === null || e?.emergency === undefined ? '' : e.emergency ? 'yes' : 'no',
    pullRequestLines(e?.pullRequests ?? []).join('\n'),
    d.checkRuns.map((c) => `${c.conclusion ?? c.status} ${c.completedAt ?? ''} (check run ${c.id}${c.app ? `, ${c.app}` : ''})`).join('\n'),
    [...new Set(r.exceptions.map((x) => x.code))].join(' ')
  ]
}

export const EXCEPTION_COLUMNS = ['code', 'repository', 'deployment_id', 'sha', 'at', 'subject', 'finding'] as const

export function exceptionValues(x: AuditException): string[] {
  return [x.code, x.repository, x.deploymentId === null ? '' : String(x.deploymentId), x.sha, x.at, x.subject, x.finding]
}

export const SAMPLE_COLUMNS = ['item', 'why', 'draw', 'repository', 'deployment_id', 'created_at', 'sha', 'succeeded_at', 'decision', 'decision_at', 'evidence', 'evidence_status', 'evidence_detail', 'sample_verification', 'emergency', 'pull_requests', 'exceptions'] as const

/** A sample row: `why` says whether it was drawn (with its draw number) or added on top (an exception, an emergency). */
export interface SampleItem {
  row: Row
  /** 1-based draw number, when drawn. */
  draw?: number
  added: string[]
  /** Every level of verify on its bundle, when the population's check was the store's (--verify sample). */
  verified?: EvidenceFact
}

export function sampleValues(s: SampleItem, item: number): string[] {
  const v = populationValues(s.row)
  const at = (c: (typeof POPULATION_COLUMNS)[number]): string => v[POPULATION_COLUMNS.indexOf(c)] as string
  const why = [s.draw !== undefined ? 'drawn' : '', ...s.added].filter(Boolean).join('; ')
  return [String(item), why, s.draw === undefined ? '' : String(s.draw), at('repository'), at('deployment_id'), at('created_at'), at('sha'), at('succeeded_at'), at('decision'), at('decision_at'), at('evidence'), at('evidence_status'), at('evidence_detail'), s.verified ? `${s.verified.status}: ${s.verified.detail}` : '', at('emergency'), at('pull_requests'), at('exceptions')]
}
