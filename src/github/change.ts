import { judgedAsPullRequest } from '../change/events.js'
import { parseCoAuthors } from '../change/identity.js'
import type { Account, ChangeCommit, ChangeRecord, ChangeReview, DeploymentApproval, GitIdentity, RangePullRequest } from '../change/model.js'
import { describeApiError, type GitHubClient } from './client.js'
import { readShipped } from './range.js'
import type { RangeStartSources } from './range-start.js'

/** What the runner tells about the run (GITHUB_* variables and the event payload). */
export interface RunContext {
  owner: string
  repo: string
  eventName: string
  payload: Record<string, unknown>
  /** GITHUB_SHA. */
  sha: string
  runId?: number
}

/** GitHub lists at most this many commits of a pull request. */
const COMMIT_LIST_LIMIT = 250

/** The commit the gate evaluates and publishes its check on, for each kind of event. */
export function evaluatedSha(ctx: RunContext): string {
  const p = ctx.payload as { pull_request?: { head?: { sha?: string } }; merge_group?: { head_sha?: string }; deployment?: { sha?: string }; workflow_run?: { head_sha?: string } }
  // A workflow_run is about the run that triggered it: GITHUB_SHA is the default branch's tip.
  return p.pull_request?.head?.sha ?? p.merge_group?.head_sha ?? p.deployment?.sha ?? (ctx.eventName === 'workflow_run' ? p.workflow_run?.head_sha : undefined) ?? ctx.sha
}

interface WorkflowRunPayload {
  id?: number
  name?: string
  event?: string
  head_sha?: string
  head_branch?: string
  pull_requests?: { number: number; head?: { sha?: string }; base?: { repo?: { url?: string } } }[]
}

/** The triggering run of a workflow_run event, as the change record keeps it. */
function workflowRunOf(ctx: RunContext): ChangeRecord['workflowRun'] {
  const run = (ctx.payload as { workflow_run?: WorkflowRunPayload }).workflow_run
  if (ctx.eventName !== 'workflow_run' || !run?.id || !run.event || !run.head_sha) return undefined
  return { id: run.id, ...(run.name ? { name: run.name } : {}), event: run.event, headSha: run.head_sha, ...(run.head_branch ? { headBranch: run.head_branch } : {}) }
}

/**
 * Reads the change record from GitHub. Never throws for an API failure: the failure is written
 * into `problems`, which makes every approval control fail (and so the decision block).
 */
export async function readChange(client: GitHubClient, ctx: RunContext, options: { deploymentApprovals: boolean } & RangeStartSources): Promise<ChangeRecord> {
  const sha = evaluatedSha(ctx)
  const record: ChangeRecord = {
    version: 3,
    repository: `${ctx.owner}/${ctx.repo}`,
    sha,
    event: ctx.eventName,
    pullRequest: null,
    commits: [],
    commitsComplete: true,
    reviews: [],
    problems: []
  }
  const workflowRun = workflowRunOf(ctx)
  if (workflowRun) record.workflowRun = workflowRun
  else if (ctx.eventName === 'workflow_run') record.problems.push('the workflow_run event names no triggering run (id, event and head_sha): what it is about cannot be known')
  const repo = { owner: ctx.owner, repo: ctx.repo }
  try {
    const number = await pullRequestNumber(client, ctx, sha)
    if (number === undefined) {
      // A direct push: no review to find, but its commit's author still matters (waivers).
      const { data } = await client.rest.repos.getCommit({ ...repo, ref: sha })
      record.commits = [toCommit(data)]
      if (data.parents[0]?.sha) record.parentSha = data.parents[0].sha
    } else {
      // As GitHub has it now: a head it has moved on from, or a base changed since, is judged from these facts (engine/review-window.ts).
      Object.assign(record, await readPullRequest(client, ctx, number))
    }
    await readShipped(client, ctx, record, options)
    if (options.deploymentApprovals) await readDeploymentApprovals(client, ctx, record, options.environment)
  } catch (e) {
    record.problems.push(describeApiError(e))
  }
  return record
}

/** The run's environment reviews, into the record; a failure is one more problem (fail closed). */
export async function readDeploymentApprovals(client: GitHubClient, ctx: RunContext, record: ChangeRecord, environment: string | undefined): Promise<void> {
  if (ctx.runId === undefined) {
    record.problems.push('deployment approvals asked for, but GITHUB_RUN_ID is not set')
    return
  }
  try {
    const { data } = await client.rest.actions.getReviewsForRun({ owner: ctx.owner, repo: ctx.repo, run_id: ctx.runId })
    record.deployment = {
      environment,
      approvals: data.map(
        (a): DeploymentApproval => ({
          user: account(a.user) ?? { login: 'ghost', type: 'User' },
          state: a.state as DeploymentApproval['state'],
          environments: a.environments.map((e) => e.name ?? '').filter(Boolean),
          ...(a.comment ? { comment: a.comment } : {})
        })
      )
    }
  } catch (e) {
    record.problems.push(describeApiError(e))
  }
}

/** A pull request with its reviews and commits, as the change record keeps them. */
export async function readPullRequest(client: GitHubClient, ctx: RunContext, number: number): Promise<RangePullRequest> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const { data: pr } = await client.rest.pulls.get({ ...repo, pull_number: number })
  const reviews = await client.paginate(client.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 })
  const commits = await client.paginate(client.rest.pulls.listCommits, { ...repo, pull_number: number, per_page: 100 })
  const baseChanges = await readBaseChanges(client, ctx, number)
  return {
    pullRequest: {
      number: pr.number,
      url: pr.html_url,
      title: pr.title,
      author: account(pr.user) ?? { login: 'ghost', type: 'User' },
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      baseRef: pr.base.ref,
      baseChanges,
      mergeCommitSha: pr.merge_commit_sha,
      changedFiles: pr.changed_files,
      state: pr.state,
      mergedAt: pr.merged_at
    },
    reviews: reviews.map(
      (r): ChangeReview => ({ id: r.id, user: account(r.user), state: r.state as ChangeReview['state'], commitId: r.commit_id ?? null, submittedAt: r.submitted_at ?? null, authorAssociation: r.author_association })
    ),
    commits: commits.map(toCommit),
    commitsComplete: commits.length < COMMIT_LIST_LIMIT && commits.length >= pr.commits
  }
}

/**
 * Every change of the pull request's base branch, from the issue timeline (`base_ref_changed`,
 * every page): approvals given before the latest count for nothing (SPEC §13).
 */
async function readBaseChanges(client: GitHubClient, ctx: RunContext, number: number): Promise<{ at: string; actor: string | null }[]> {
  const events = await client.paginate(client.rest.issues.listEventsForTimeline, { owner: ctx.owner, repo: ctx.repo, issue_number: number, per_page: 100 })
  const out: { at: string; actor: string | null }[] = []
  for (const e of events as { event?: string; created_at?: string; actor?: { login?: string } | null }[]) {
    if (e.event !== 'base_ref_changed') continue
    // A base change with no time cannot be placed before any approval: it voids them all.
    out.push({ at: e.created_at ?? '9999-12-31T23:59:59Z', actor: e.actor?.login ?? null })
  }
  return out
}

async function pullRequestNumber(client: GitHubClient, ctx: RunContext, sha: string): Promise<number | undefined> {
  const p = ctx.payload as { pull_request?: { number?: number }; merge_group?: { head_ref?: string } }
  if (p.pull_request?.number) return p.pull_request.number
  if (ctx.eventName === 'merge_group') {
    // The queue branch names the pull request: refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>
    const m = /\/pr-(\d+)-[0-9a-f]+$/.exec(p.merge_group?.head_ref ?? '')
    if (m) return Number(m[1])
    throw new Error(`merge_group head_ref "${p.merge_group?.head_ref ?? ''}" names no pull request`)
  }
  if (ctx.eventName === 'workflow_run') {
    const run = (ctx.payload as { workflow_run?: WorkflowRunPayload }).workflow_run
    if (judgedAsPullRequest('workflow_run', run?.event)) return await triggeringPullRequest(client, ctx, sha, run?.pull_requests ?? [])
  }
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ owner: ctx.owner, repo: ctx.repo, commit_sha: sha })
  // Merge, squash and rebase merges all list the pull request; prefer the one that produced this commit.
  const merged = data.filter((pr) => pr.merged_at)
  return (merged.find((pr) => pr.merge_commit_sha === sha) ?? merged[0])?.number
}

/**
 * The pull request whose run triggered a workflow_run: the one the event lists whose head is the
 * run's head, else (a fork's pull request, which the event does not list) the pull request of
 * this repository whose head is that commit. A head that moved on since is not this change.
 */
async function triggeringPullRequest(client: GitHubClient, ctx: RunContext, sha: string, listed: NonNullable<WorkflowRunPayload['pull_requests']>): Promise<number> {
  const here = `/repos/${ctx.owner}/${ctx.repo}`.toLowerCase()
  const own = listed.filter((p) => p.head?.sha === sha && (p.base?.repo?.url === undefined || p.base.repo.url.toLowerCase().endsWith(here))).map((p) => p.number)
  const numbers = own.length > 0 ? own : (await client.rest.repos.listPullRequestsAssociatedWithCommit({ owner: ctx.owner, repo: ctx.repo, commit_sha: sha })).data.filter((p) => p.head.sha === sha).map((p) => p.number)
  if (numbers.length === 0) throw new Error(`no pull request of ${ctx.owner}/${ctx.repo} has the triggering run's head ${sha.slice(0, 7)}: what the workflow_run is about cannot be known`)
  // The check run is on the commit, which every one of them shares: one approved into a side
  // branch must not pass the check that the pull request into main needs.
  if (new Set(numbers).size > 1) throw new Error(`pull requests ${[...new Set(numbers)].map((n) => `#${n}`).join(', ')} all have head ${sha.slice(0, 7)}: which one the workflow_run is about cannot be known`)
  return numbers[0] as number
}

function account(user: { login: string; type: string } | null | undefined): Account | null {
  return user ? { login: user.login, type: user.type } : null
}

interface ApiCommit {
  sha: string
  commit: { message: string; author: { name?: string; email?: string } | null; committer: { name?: string; email?: string } | null; verification?: { verified: boolean } }
  author: { login: string; type: string } | Record<string, never> | null
  committer: { login: string; type: string } | Record<string, never> | null
}

function toCommit(c: ApiCommit): ChangeCommit {
  const identity = (git: { name?: string; email?: string } | null, user: ApiCommit['author']): GitIdentity => ({
    ...(git?.name ? { name: git.name } : {}),
    ...(git?.email ? { email: git.email } : {}),
    ...(user && 'login' in user && user.login ? { account: { login: user.login, type: user.type } } : {})
  })
  return { sha: c.sha, author: identity(c.commit.author, c.author), committer: identity(c.commit.committer, c.committer), verified: c.commit.verification?.verified === true, coAuthors: parseCoAuthors(c.commit.message) }
}
