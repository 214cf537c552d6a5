import type { ChangeRecord, DeployedRange, RangePullRequest } from '../change/model.js'
import { headApprovals } from './independent-approvals.js'
import { changeOfPullRequest, latestOpinions } from './approval-control.js'

/** What a deployment ships, for a release manager at a glance (SPEC §10): every surface shows it. */
export interface RangeSummary {
  start: string
  startSha: string
  source: DeployedRange['source']
  environment?: string
  sha: string
  commits: number
  complete: boolean
  /** In the order the range first reaches each one. */
  pullRequests: RangePullRequestSummary[]
  /** Commits no pull request brought. */
  direct: { sha: string; author: string }[]
}

export interface RangePullRequestSummary {
  number: number
  url?: string
  title?: string
  author: string
  /** Commits of the range it brought. */
  commits: number
  /** Who approved its head independently: not an author in any role, not a bot, with write access. */
  approvers: string[]
}

/** The range of a change record, summarised; undefined when the change is not a range. */
export function summarizeRange(change: ChangeRecord | undefined): RangeSummary | undefined {
  const range = change?.range
  if (!change || !range) return undefined
  const byNumber = new Map<number, RangePullRequest>((range.pullRequests ?? []).map((p) => [p.pullRequest.number, p]))
  if (change.pullRequest) byNumber.set(change.pullRequest.number, { pullRequest: change.pullRequest, reviews: change.reviews, commits: change.commits, commitsComplete: change.commitsComplete })
  const counts = new Map<number, number>()
  const direct: RangeSummary['direct'] = []
  for (const c of range.commits) {
    if (c.pullRequest === null) direct.push({ sha: c.sha, author: c.author })
    else counts.set(c.pullRequest, (counts.get(c.pullRequest) ?? 0) + 1)
  }
  const pullRequests = [...counts].map(([number, commits]): RangePullRequestSummary => {
    const pr = byNumber.get(number)
    if (!pr) return { number, author: 'unknown', commits, approvers: [] }
    const independent = headApprovals(changeOfPullRequest(change, pr)).independent
    const approvers = latestOpinions(pr.reviews).filter((r) => r.user && independent.has(r.user.login.toLowerCase())).map((r) => r.user?.login as string)
    const p = pr.pullRequest
    return { number, ...(p.url ? { url: p.url } : {}), ...(p.title ? { title: p.title } : {}), author: p.author.login, commits, approvers }
  })
  return {
    start: range.start,
    startSha: range.startSha,
    source: range.source,
    ...(range.deployment || change.rangeStart?.environment ? { environment: range.deployment?.environment ?? change.rangeStart?.environment } : {}),
    sha: change.sha,
    commits: range.commits.length,
    complete: range.complete,
    pullRequests,
    direct
  }
}
