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
  /** Who committed it, whether GitHub verified its signature, and its parents (version 3): a merge counts only as GitHub made it (SPEC §13). */
  committer?: GitIdentity
  verified?: boolean
  parents?: string[]
}

/** A commit's facts as GitHub lists them: who committed it, whether its signature verified, its parents. */
export type CommitFacts = Required<Pick<RangeCommit, 'sha' | 'committer' | 'verified' | 'parents'>>

/** A file as a commit or comparison leaves it: its blob sha there, or null when it does not exist there (removed). */
export interface FileBlob {
  path: string
  blob: string | null
}

/**
 * What a merge that GitHub did not sign produced, against what was approved (SPEC §13), as three
 * comparisons GitHub lists: the merge (from the commit it was made onto to its merge commit), the
 * pull request's own change (from the merge base of that commit and its head, to its head), and
 * what the base side changed since that merge base.
 */
export interface MergeContent {
  pullRequest: number
  /** The commit the merge was made onto: the first parent of the first commit it produced. */
  onto: string
  /** The pull request's `merge_commit_sha`: the last commit the merge produced. */
  mergeCommit: string
  headSha: string
  /** Files that differ from `onto` to `mergeCommit`. */
  merged: FileBlob[]
  /** Files that the approved head changes (from the merge base of `onto` and the head). */
  approved: FileBlob[]
  /** Paths the base side changed since that merge base. */
  baseChanged: string[]
  /** False when GitHub listed fewer files than one of the comparisons has (300 at most): equality cannot be shown. */
  complete: boolean
}

/** A workflow run as `GET /repos/{o}/{r}/actions/runs/{id}` describes it: where it ran (SPEC §13). */
export interface WorkflowRunFacts {
  id: number
  /** The workflow file it ran (`.github/workflows/deploy.yml`). */
  path: string
  repository: string
  headRepository: string | null
  headBranch: string | null
  event: string
  headSha: string
  status: string | null
  conclusion: string | null
}

/** A successful deployment considered as the range start, with the facts that decide whether it can be trusted, and the verdict. */
export interface ConsideredDeployment extends RangeDeployment {
  /** The status's `log_url` (else `target_url`): the workflow run that wrote it, if it names one. */
  link: string | null
  /** That run, as GitHub describes it; null when the status links none of this repository's runs, or GitHub has no such run. */
  run: WorkflowRunFacts | null
  trusted: boolean
  why: string
}

/** The ledger entry a range starts after (SPEC §13): the newest that allowed a deployment to the environment. */
export interface LedgerStart {
  key: string
  sequence: number
  /** sha256 (hex) of the entry's bytes, as the next entry's `previous` names it. */
  sha256: string
  sha: string
  environment: string
  decision: 'allow'
  judged: 'deployment'
  manifestSha256: string
  run: { id: string; attempt: string }
}

/**
 * How the range start was found (version 3): the facts the gate wrote (the ledger) or those it
 * checked (each successful deployment, who wrote it and from which run), and why each was taken
 * or passed over. Kept whenever a start was looked for, so `--change` and `verify` re-judge it.
 */
export interface RangeStartFacts {
  environment?: string
  /** The workflow file of the gate's own run (from GITHUB_WORKFLOW_REF): a deployment's run must be of it. */
  workflow?: string
  /** With an evidence store: the ledger searched, how many entries were read back from its head, and the entry found. */
  ledger?: { prefix: string; entriesRead: number; entry?: LedgerStart; note: string }
  /** The repository's default branch, when a deployment's run was checked against it. */
  defaultBranch?: string
  /** `deployers:` and the policy map it was read from, when a deployment's creators were checked against it. */
  deployers?: { map: string; logins: string[] }
  /** Successful deployments considered, newest first. */
  deployments?: ConsideredDeployment[]
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
  /** The range start as given (`since`, the ledger's last allow, the last trusted successful deployment's sha, or the push's `before`), and the commit it resolved to. */
  start: string
  startSha: string
  source: 'since' | 'deployment' | 'before' | 'ledger'
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
  /** 2 since the trust facts, 3 since who made each merge and where the range starts (SPEC §13); versions 1 and 2 still load and are judged by their own rules. */
  version: 1 | 2 | 3
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
  /** How the range start was found and why it can be trusted (version 3). */
  rangeStart?: RangeStartFacts
  /** The evaluated commit, when it is its pull request's merge commit and no range lists it: who made it (version 3). */
  evaluatedCommit?: CommitFacts
  /** What each merge GitHub did not sign produced, against what was approved (version 3). */
  merges?: MergeContent[]
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
