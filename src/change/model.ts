/**
 * The change record (SPEC §3): everything read about the change that brought the evaluated
 * commit, kept as plain data so the same evaluation runs offline from a file (`--change`).
 * Shape documented by schema/change-record.schema.json.
 */

export interface Account {
  login: string
  /** GitHub's account type: `User`, `Bot` or `Organization`. Bots are told by this, never by name. */
  type: string
}

/** A git identity on a commit, and the GitHub account it is linked to, if any. */
export interface GitIdentity {
  name?: string
  email?: string
  /** The linked GitHub account; absent when the e-mail belongs to no account. */
  account?: Account
}

export interface ChangeCommit {
  sha: string
  author: GitIdentity
  committer: GitIdentity
  /** `Co-authored-by:` trailers of the message. */
  coAuthors: { name: string; email: string }[]
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING'

export interface ChangeReview {
  id: number
  user: Account | null
  state: ReviewState
  /** The commit the review was made on. */
  commitId: string | null
  submittedAt: string | null
}

export interface DeploymentApproval {
  user: Account
  state: 'approved' | 'rejected' | 'pending'
  environments: string[]
  comment?: string
}

export interface ChangeRecord {
  version: 1
  repository: string
  /** The commit the gate evaluates (and the check run is created on). */
  sha: string
  event: string
  /** Null when no pull request brought the commit (a direct push). */
  pullRequest: {
    number: number
    url?: string
    title?: string
    author: Account
    headSha: string
    state?: string
    mergedAt?: string | null
  } | null
  commits: ChangeCommit[]
  /** False when the pull request has more commits than GitHub lists (250). */
  commitsComplete: boolean
  reviews: ChangeReview[]
  /** The run's environment reviews, when they were asked for. */
  deployment?: { environment?: string; approvals: DeploymentApproval[] }
  /** What could not be read: any entry makes every approval control fail. */
  problems: string[]
}
