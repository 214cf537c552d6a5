import { judgedAsPullRequest } from '../change/events.js'
import type { ChangeRecord, DeployedRange, RangeCommit, RangeDeployment } from '../change/model.js'
import type { RunContext } from './change.js'
import { readPullRequest } from './change.js'
import type { GitHubClient } from './client.js'
import { mergedPullRequestsOf } from './commit-pulls.js'

const ZERO_SHA = /^0+$/
/** GitHub lists at most this many files of a compare (on its first page). */
const COMPARE_FILE_LIMIT = 300
const PAGE = 100
/** Deployment statuses read, newest deployment first, before the search for a successful one gives up (fail closed). */
const DEPLOYMENT_STATUS_READS = 100

export interface RangeStart {
  ref: string
  source: DeployedRange['source']
  deployment?: RangeDeployment
}

/**
 * The range start for a deployment-like event (SPEC §10): the `since` input, else the sha of the
 * latest deployment to the environment whose latest status is `success`, else a push's `before`.
 * Pull request and merge queue events are judged as their pull request, not a range.
 * Throws when GitHub cannot tell (the caller records it: fail closed).
 */
export async function rangeStart(client: GitHubClient, ctx: RunContext, options: { since?: string; environment?: string }): Promise<RangeStart | undefined> {
  if (judgedAsPullRequest(ctx.eventName, (ctx.payload as { workflow_run?: { event?: string } }).workflow_run?.event)) return undefined
  if (options.since) return { ref: options.since, source: 'since' }
  const payload = ctx.payload as { before?: string; deployment?: { id?: number; environment?: string } }
  const environment = options.environment ?? payload.deployment?.environment
  if (environment) {
    const deployment = await lastSuccessfulDeployment(client, ctx, environment, payload.deployment?.id)
    if (deployment) return { ref: deployment.sha, source: 'deployment', deployment }
  }
  const before = payload.before
  if (ctx.eventName === 'push' && before && /^[0-9a-f]{40}$/.test(before) && !ZERO_SHA.test(before)) return { ref: before, source: 'before' }
  return undefined
}

/**
 * Newest deployment first (GitHub's order), the first whose latest status is `success`. A
 * deployment whose latest status is anything else (failure, error, inactive, in progress) shipped
 * nothing that stands, so it is no start; nor is the deployment this run is evaluating.
 */
async function lastSuccessfulDeployment(client: GitHubClient, ctx: RunContext, environment: string, current: number | undefined): Promise<RangeDeployment | undefined> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  let statusReads = 0
  for await (const { data } of client.paginate.iterator(client.rest.repos.listDeployments, { ...repo, environment, per_page: 100 })) {
    for (const d of data) {
      if (d.id === current || d.environment.toLowerCase() !== environment.toLowerCase()) continue
      if (++statusReads > DEPLOYMENT_STATUS_READS) {
        throw new Error(`none of the latest ${DEPLOYMENT_STATUS_READS} deployments to ${environment} has success as its latest status: the range start cannot be known`)
      }
      const { data: statuses } = await client.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: d.id, per_page: 1 })
      const latest = statuses[0]
      if (latest?.state !== 'success') continue
      return { id: d.id, environment, sha: d.sha, creator: d.creator?.login ?? null, statusCreator: latest.creator?.login ?? null, createdAt: d.created_at }
    }
  }
  return undefined
}

/**
 * Reads every commit from the range start to the evaluated commit (`compare`, every page) and
 * which merged pull request brought each: the head pull request's own commits and merge commit
 * by sha, the others batched through GraphQL (a rebase merge rewrites shas). A commit that no
 * merged pull request brought is a direct push; every other pull request is read whole and
 * judged on its own.
 */
export async function readRange(client: GitHubClient, ctx: RunContext, record: ChangeRecord, start: RangeStart): Promise<void> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const commits: { sha: string; author: string }[] = []
  let files: { path: string; status: string; previousPath?: string }[] = []
  let total = 0
  let resolved = start.ref
  for (let page = 1; ; page++) {
    const { data } = await client.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${start.ref}...${record.sha}`, per_page: PAGE, page })
    if (page === 1) {
      total = data.total_commits
      resolved = data.merge_base_commit?.sha ?? data.base_commit?.sha ?? start.ref
      files = (data.files ?? []).map((f) => ({ path: f.filename, status: f.status, ...(f.previous_filename ? { previousPath: f.previous_filename } : {}) }))
    }
    for (const c of data.commits) commits.push({ sha: c.sha, author: c.author?.login ?? c.commit.author?.email ?? c.commit.author?.name ?? 'unknown' })
    if (data.commits.length < PAGE || commits.length >= total) break
  }
  const pr = record.pullRequest
  const own = new Set(record.commits.map((c) => c.sha))
  const isOwn = (sha: string): boolean => pr !== null && (own.has(sha) || sha === pr.mergeCommitSha)
  const merged = await mergedPullRequestsOf(client, ctx, commits.map((c) => c.sha).filter((sha) => !isOwn(sha)))
  const out: RangeCommit[] = commits.map((c) => {
    if (isOwn(c.sha)) return { ...c, pullRequest: (pr as NonNullable<typeof pr>).number }
    const numbers = merged.get(c.sha) ?? []
    // A commit two merged pull requests carry (a back-merge) is covered by the evaluated one if it is among them.
    return { ...c, pullRequest: (numbers.find((n) => n === pr?.number) ?? numbers[0]) ?? null }
  })
  // Every other merged pull request the range ships is read whole: each is judged on its own.
  const others = [...new Set(out.map((c) => c.pullRequest).filter((n): n is number => n !== null && n !== pr?.number))].sort((a, b) => a - b)
  const pullRequests = []
  for (const n of others) pullRequests.push(await readPullRequest(client, ctx, n))
  record.range = {
    start: start.ref,
    startSha: resolved,
    source: start.source,
    ...(start.deployment ? { deployment: start.deployment } : {}),
    commits: out,
    complete: commits.length >= total,
    files,
    filesComplete: files.length < COMPARE_FILE_LIMIT,
    pullRequests
  }
}
