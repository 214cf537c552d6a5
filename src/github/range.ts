import type { ChangeRecord, RangeCommit } from '../change/model.js'
import type { RunContext } from './change.js'
import { readPullRequest } from './change.js'
import type { GitHubClient } from './client.js'

const ZERO_SHA = /^0+$/
/** GitHub lists at most this many files of a compare (on its first page). */
const COMPARE_FILE_LIMIT = 300
const PAGE = 100

/**
 * The range start for a deployment-like event (SPEC §10): the `since` input, else a push's
 * `before`. Pull request and merge queue events are judged as their pull request, not a range.
 */
export function rangeStart(ctx: RunContext, since: string | undefined): { ref: string; source: 'since' | 'before' } | undefined {
  if (['pull_request', 'pull_request_target', 'merge_group'].includes(ctx.eventName)) return undefined
  if (since) return { ref: since, source: 'since' }
  const before = (ctx.payload as { before?: string }).before
  if (ctx.eventName === 'push' && before && /^[0-9a-f]{40}$/.test(before) && !ZERO_SHA.test(before)) return { ref: before, source: 'before' }
  return undefined
}

/**
 * Reads every commit from the range start to the evaluated commit (`compare`, every page) and
 * which pull request brought each: the head pull request's own commits and merge commit by sha,
 * any other commit through `commits/{sha}/pulls` (a rebase merge rewrites shas). A commit that
 * no merged pull request brought is a direct push; one brought by another pull request is not
 * evaluated here, and fails closed.
 */
export async function readRange(client: GitHubClient, ctx: RunContext, record: ChangeRecord, start: { ref: string; source: 'since' | 'before' }): Promise<void> {
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
  const out: RangeCommit[] = []
  for (const c of commits) {
    if (pr && (own.has(c.sha) || c.sha === pr.mergeCommitSha)) {
      out.push({ ...c, pullRequest: pr.number })
      continue
    }
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: c.sha })
    const merged = data.filter((p) => p.merged_at)
    out.push({ ...c, pullRequest: (merged.find((p) => p.number === pr?.number) ?? merged[0])?.number ?? null })
  }
  // Every other merged pull request the range ships is read whole: each is judged on its own.
  const others = [...new Set(out.map((c) => c.pullRequest).filter((n): n is number => n !== null && n !== pr?.number))].sort((a, b) => a - b)
  const pullRequests = []
  for (const n of others) pullRequests.push(await readPullRequest(client, ctx, n))
  record.range = { start: start.ref, startSha: resolved, source: start.source, commits: out, complete: commits.length >= total, files, filesComplete: files.length < COMPARE_FILE_LIMIT, pullRequests }
}
