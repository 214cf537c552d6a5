import type { ChangeRecord } from '../change/model.js'
import { changeOfPullRequest, latestOpinions } from '../engine/approval-control.js'
import { headApprovals } from '../engine/independent-approvals.js'
import type { PullRequestFact } from './model.js'

/**
 * The pull requests a change record ships — its own and, for a deployed range, every other one —
 * each with its authors (every role) and its independent approvers as the engine counts them
 * (SPEC §3, §9): the same rule as SOX-GATE-INTEGRITY and waivers, not a second copy of it.
 */
export function pullRequestFacts(change: ChangeRecord): PullRequestFact[] {
  const out: PullRequestFact[] = []
  if (change.pullRequest) out.push(factOf(change))
  for (const other of change.range?.pullRequests ?? []) out.push(factOf(changeOfPullRequest(change, other)))
  return out.sort((a, b) => a.number - b.number)
}

function factOf(change: ChangeRecord): PullRequestFact {
  const pr = change.pullRequest as NonNullable<ChangeRecord['pullRequest']>
  const a = headApprovals(change)
  const when = new Map(latestOpinions(change.reviews).map((r) => [r.user?.login.toLowerCase() ?? '', r.submittedAt]))
  return {
    number: pr.number,
    ...(pr.url ? { url: pr.url } : {}),
    authors: a.authors.map((x) => x.label).sort(),
    approvals: [...a.independent].sort().map((login) => ({ login, at: instant(when.get(login)) }))
  }
}

/** One canonical text per instant (UTC, milliseconds written), comparable with every other time of the audit. */
function instant(t: string | null | undefined): string | null {
  const ms = t ? Date.parse(t) : Number.NaN
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** `#42 by alice; approved by carol (2026-11-20T10:00:00Z)`, one pull request a line. */
export function pullRequestLines(prs: readonly PullRequestFact[]): string[] {
  return prs.map((p) => `#${p.number} by ${p.authors.join(', ') || '?'}; ${p.approvals.length ? `approved by ${p.approvals.map((x) => `${x.login} (${x.at ?? 'time unknown'})`).join(', ')}` : 'no independent approval'}`)
}
