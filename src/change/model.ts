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
  /** GitHub's `verification.verified`: only a commit GitHub signed has a web-flow committer to except. */
  verified?: boolean
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
  /** OWNER, MEMBER, COLLABORATOR (write access), CONTRIBUTOR, NONE…: only write access approves (SPEC §10). */
  authorAssociation?: string
}

export interface DeploymentApproval {
  user: Account
  state: 'approved' | 'rejected' | 'pending'
  environments: string[]
  comment?: string
}

/** A file the change touches, as GitHub lists it (pull request files, or a compare). */
export interface ChangedFile {
  path: string
  /** GitHub's word: added, removed, modified, renamed, copied, changed, unchanged. */
  status: string
  /** The old path of a renamed or copied file: moving a protected file away touches it too. */
  previousPath?: string
}

/**
 * Which control map judges the change, and the facts that decide it (SPEC §9), read at the edge
 * before evaluation so that offline re-performance reaches the same decision.
 */
export interface TrustFacts {
  /** `base`: the map at the change's base; `policy`: a map in a policy repository; `first-adoption`: no map at the base. */
  source: 'base' | 'policy' | 'first-adoption'
  /** Repository and path of the trusted map, and the commit or ref it was read at. */
  repository: string
  path: string
  ref: string | null
  /** sha256 of the trusted map's bytes; null on first adoption (there is none). */
  sha256: string | null
  /** The workspace's copy: the map this change proposes. */
  proposedPath: string
  proposedSha256: string
  /** Every file the change touches; `filesComplete` is false when GitHub lists fewer than there are. */
  files: ChangedFile[]
  filesComplete: boolean
  /** How the trusted map was found, in words, for the reasons. */
  note: string
  /** For a pull request: its base branch and why that branch's map may judge it, or not (SPEC §13). */
  baseBranch?: BaseBranchFacts
}

/**
 * A pull request's base branch and whether its own map may judge the pull request: only the
 * default branch's, or one that `trusted-branches:` of the default branch's map names.
 */
export interface BaseBranchFacts {
  ref: string
  defaultBranch: string
  /** The default branch's head, whose map was asked (and judges, when `trusted` is `no`). */
  defaultBranchSha?: string
  trusted: 'default-branch' | 'trusted-branches' | 'no'
  /** The trusted-branches glob that matched. */
  glob?: string
}

/** A commit of the deployed range, and the merged pull request that brought it (null: none). */
export interface RangeCommit {
  sha: string
  /** Login, else e-mail or name, of its author. */
  author: string
  pullRequest: number | null
}

/** Another merged pull request whose commits the deployed range ships, read whole (SPEC §10). */
export interface RangePullRequest {
  pullRequest: NonNullable<ChangeRecord['pullRequest']>
  reviews: ChangeReview[]
  commits: ChangeCommit[]
  commitsComplete: boolean
}

/** The latest deployment to the environment whose latest status is `success` (SPEC §10). */
export interface RangeDeployment {
  id: number
  environment: string
  sha: string
  /** Who created the deployment and its success status: anyone with write access can (README). */
  creator: string | null
  statusCreator: string | null
  createdAt: string
}

/** What a deployment ships (SPEC §10): every commit from the range start to the evaluated one. */
export interface DeployedRange {
  /** The range start as given (`since`, the last successful deployment's sha, or the push's `before`), and the commit it resolved to. */
  start: string
  startSha: string
  source: 'since' | 'deployment' | 'before'
  /** The deployment the range starts after, when `source` is `deployment`: who made it is kept for the auditor. */
  deployment?: RangeDeployment
  commits: RangeCommit[]
  /** False when GitHub listed fewer commits than the compare counts. */
  complete: boolean
  files: ChangedFile[]
  filesComplete: boolean
  /** The range's other merged pull requests, each judged by the approval rule on its own. */
  pullRequests?: RangePullRequest[]
}

export interface ChangeRecord {
  /** 2 since the trust facts; version 1 records still load. */
  version: 1 | 2
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
    /** The base commit the pull request was compared with: where its trusted map is read. */
    baseSha?: string
    /** The base branch, as GitHub says now (the event's may be stale on a re-run). */
    baseRef?: string
    /**
     * Every change of the base branch (the issue timeline's `base_ref_changed`): approvals given
     * before the latest do not count (SPEC §13). Absent in records read before it was kept.
     */
    baseChanges?: { at: string; actor: string | null }[]
    /** The commit a merge produced (merge, squash or rebase): besides the head, the only commit that was approved. */
    mergeCommitSha?: string | null
    /** How many files GitHub says the pull request changes: the files list must hold them all. */
    changedFiles?: number
    state?: string
    mergedAt?: string | null
  } | null
  commits: ChangeCommit[]
  /** False when the pull request has more commits than GitHub lists (250). */
  commitsComplete: boolean
  reviews: ChangeReview[]
  /** The run's environment reviews, when they were asked for. */
  deployment?: { environment?: string; approvals: DeploymentApproval[] }
  /** The evaluated commit's first parent, when no pull request brought it (a direct push). */
  parentSha?: string
  /** The run a `workflow_run` event is about: what triggered it decides how the change is judged. */
  workflowRun?: { id: number; name?: string; event: string; headSha: string; headBranch?: string }
  /** The deployed range, for push, dispatch and deployment events with a range start (version 2). */
  range?: DeployedRange
  /** Which map judges and what the change touches (version 2). */
  trust?: TrustFacts
  /** The workflow artifacts the reports were read from (`report-artifacts`), when any. */
  reportArtifacts?: ReportArtifacts
  /** With `reports-workflow`: the test run whose reports stand for the head, and why that one (SPEC §13). */
  reportsRun?: ReportsRun
  /** What could not be read: any entry makes every approval control fail. */
  problems: string[]
}

/** The test run whose artifacts hold the reports (`reports-workflow`, SPEC §13). */
export interface ReportsRun {
  /** `reports-workflow` as given. */
  workflow: string
  id: number
  attempt: number
  /** The workflow file the run came from. */
  path?: string
  headSha: string
  /** The event that started it (pull_request, push…), its status and conclusion when it was read. */
  event: string
  status: string
  conclusion: string | null
  url?: string
  /** `triggering run`: this workflow_run's own; `latest run for the head`: looked up for a review, a retarget, a push. */
  why: 'triggering run' | 'latest run for the head'
}

/**
 * The artifacts of a workflow run whose files were read as reports (the action's
 * `report-artifacts`): which were asked for, and each one's id, size and digest as the Actions
 * results service (or the REST API, for another run) recorded them at upload.
 */
export interface ReportArtifacts {
  repository: string
  /** The workflow run they belong to; null when the runner did not say (GITHUB_RUN_ID unset). */
  runId: number | null
  /** True when read from another run (`run-id`) through the REST API. */
  otherRun: boolean
  /** For another run: the commit it tested (`head_sha`), checked to be the evaluated commit. */
  runHeadSha?: string
  /** `report-artifacts` as given: names or globs, `!` excluding. */
  patterns: string[]
  /** `report-artifacts-min`. */
  min: number
  artifacts: ReportArtifact[]
}

export interface ReportArtifact {
  id: number
  name: string
  /** Bytes of the zip, as the service lists it. */
  size: number
  /** `sha256:HEX` of the zip as recorded at upload; null for artifacts uploaded without one (before upload-artifact v4). */
  digest: string | null
  /** sha256 (hex) of the zip as downloaded: equal to `digest` whenever there is one. */
  downloadedSha256: string
  /** Where its files were unpacked, relative to the workspace (`.sox-gate/artifacts/NAME`). */
  path: string
  /** How many files it held. */
  files: number
}
