import { recordJudgedAsPullRequest } from '../change/events.js'
import type { ChangeRecord, RangeCommit, RangeStartFacts } from '../change/model.js'
import type { RunContext } from './change.js'
import { readPullRequest } from './change.js'
import type { GitHubClient } from './client.js'
import { mergedPullRequestsOf } from './commit-pulls.js'
import { commitFacts, readMergeContents } from './merge-content.js'
import { rangeStart, RangeStartUnknown, type RangeStart, type RangeStartSources } from './range-start.js'

/** GitHub lists at most this many files of a compare (on its first page). */
const COMPARE_FILE_LIMIT = 300
const PAGE = 100

/**
 * What a deployment-like run ships (SPEC §10, §13), into the record: the range start and how it
 * was found, the range, who made each merge and, for a merge GitHub did not sign, its content
 * against the approved head. Throws on an API failure (the caller records it: fail closed).
 */
export async function readShipped(client: GitHubClient, ctx: RunContext, record: ChangeRecord, sources: RangeStartSources): Promise<void> {
  const facts: RangeStartFacts = {}
  try {
    const start = await rangeStart(client, ctx, sources, facts)
    if (start) await readRange(client, ctx, record, start)
  } catch (e) {
    if (!(e instanceof RangeStartUnknown)) throw e
    record.problems.push(e.message)
    return
  } finally {
    if (Object.keys(facts).length > 0) record.rangeStart = facts
  }
  await readEvaluatedCommit(client, ctx, record)
  await readMergeContents(client, ctx, record)
}

/** The evaluated commit's maker, when it is its pull request's merge commit and no range listed it. */
async function readEvaluatedCommit(client: GitHubClient, ctx: RunContext, record: ChangeRecord): Promise<void> {
  const pr = record.pullRequest
  if (!pr || recordJudgedAsPullRequest(record) || record.sha === pr.headSha || record.sha !== pr.mergeCommitSha) return
  if (record.range?.commits.some((c) => c.sha === record.sha) || record.commits.some((c) => c.sha === record.sha)) return
  const { data } = await client.rest.repos.getCommit({ owner: ctx.owner, repo: ctx.repo, ref: record.sha })
  record.evaluatedCommit = commitFacts(data)
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
  const commits: Omit<RangeCommit, 'pullRequest'>[] = []
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
    for (const c of data.commits) {
      const { committer, verified, parents } = commitFacts(c)
      commits.push({ sha: c.sha, author: c.author?.login ?? c.commit.author?.email ?? c.commit.author?.name ?? 'unknown', committer, verified, parents })
    }
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
