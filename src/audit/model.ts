/**
 * What the audit reads and what it concludes (SPEC §14), as plain data: the facts read at the
 * edges (GitHub, the store) and the rows it writes. Every time is an ISO-8601 string in UTC.
 */
import type { StoreUrl } from '../evidence/store/location.js'

export interface AuditOptions {
  /** OWNER/REPO as given; one population across them all. */
  repos: string[]
  environment: string
  /** The period [from, to). */
  from: Date
  to: Date
  store?: StoreUrl
  checkName: string
  sample: { kind: 'count'; n: number } | { kind: 'rule'; confidence: number; rate: number }
  seed?: string
  out: string
  now?: Date
  format: 'text' | 'json'
  /** The control map's path in each repository (gate-config-changed). */
  controls: string
  /** `all`: every bundle the population relies on is verified at every level; `sample`: the store's checks for all, every level for the sample. */
  verify: 'all' | 'sample'
}

export interface StatusFact {
  state: string
  at: string
  by: string
}

export interface CheckRunFact {
  id: number
  conclusion: string | null
  status: string
  completedAt: string | null
  /** The manifest sha256 the action put there (external_id), when it did. */
  externalId: string | null
  detailsUrl: string | null
  url: string
  /** The GitHub App that posted it (slug): anyone with `checks: write` can post a check of this name. */
  app: string | null
}

/** One deployment as GitHub lists it, with its statuses (oldest first) and its commit's gate check runs. */
export interface DeploymentFact {
  repository: string
  id: number
  nodeId: string
  createdAt: string
  creator: string
  sha: string
  ref: string
  environment: string
  statuses: StatusFact[]
  latest: StatusFact | null
  checkRuns: CheckRunFact[]
}

/** A ledger entry of the store, with the time the store (not the writer) says it was written. */
export interface LedgerFact {
  sequence: number
  decision: 'allow' | 'block'
  sha: string
  environment?: string
  manifestSha256: string
  run: { id: string; attempt: string }
  /** S3's LastModified of the entry's first version. */
  at: string | null
}

/** The gate's decision a deployment relied on: the latest one for its commit made before it reached the environment. */
export interface Decision {
  decision: 'allow' | 'block'
  at: string | null
  source: 'ledger' | 'check-run'
  /** The ledger entry's sequence, or the check run's id. */
  ref: string
  /** The environment the ledger entry names; undefined for a check run or an entry that names none. */
  environment?: string
  manifestSha256: string | null
  run?: { id: string; attempt: string }
  /** Why the decision came from a check run although a store was given. */
  note?: string
}

/** What the evidence of one decision shows. */
export interface EvidenceFact {
  /** Where it is: s3://… of the bundle, or the check run that names it. */
  location: string
  status: 'verified' | 'store-checked' | 'not-intact' | 'missing' | 'not-read'
  /** The first findings, or what was checked. */
  detail: string
  attestation: 'yes' | 'no' | ''
  emergency: boolean | null
  /** From the bundle's change record: each pull request with its authors and independent approvers. */
  pullRequests: PullRequestFact[]
  evaluatedAt: string | null
}

export interface PullRequestFact {
  number: number
  url?: string
  authors: string[]
  /** Independent approvals (SPEC §3/§9: not an author, not a bot, write access, on the head), with their times. */
  approvals: { login: string; at: string | null }[]
}

export type ExceptionCode = 'deployed-without-allow' | 'evidence-missing' | 'evidence-not-intact' | 'approved-after-deploy' | 'emergency-change' | 'ledger-gap' | 'gate-config-changed'

/** The order exceptions are listed in: what most needs an auditor's eye first. */
export const EXCEPTION_CODES: readonly ExceptionCode[] = ['deployed-without-allow', 'approved-after-deploy', 'evidence-not-intact', 'evidence-missing', 'emergency-change', 'ledger-gap', 'gate-config-changed']

export interface AuditException {
  code: ExceptionCode
  repository: string
  /** The deployment it concerns, when it concerns one. */
  deploymentId: number | null
  sha: string
  /** When: the deployment's creation, the change's merge, or empty. */
  at: string
  /** What it is about, in a word or two: a pull request, a ledger entry, a commit. */
  subject: string
  finding: string
}
