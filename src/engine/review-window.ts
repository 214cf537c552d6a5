import { judgedOnPullRequestHead } from '../change/events.js'
import type { ChangeRecord, ChangeReview } from '../change/model.js'

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '?')

/**
 * The pull request has moved on since the commit this run judges (SPEC §13): its current head is
 * another commit. Judging the old commit on the new head's approval would turn an old head green
 * that nobody approved (a re-run of an old run, or a run still going when a new head is pushed).
 */
export function headMovedOn(change: ChangeRecord): string | undefined {
  const pr = change.pullRequest
  if (!pr || change.version < 2 || !judgedOnPullRequestHead(change) || pr.headSha === change.sha) return undefined
  return `pull request #${pr.number} has moved on: its head is now ${short(pr.headSha)}, not ${short(change.sha)}, the commit this run judges; an old head is never judged on a newer head's approval — the run for ${short(pr.headSha)} judges the pull request`
}

/** When the pull request's base branch last changed (the timeline's `base_ref_changed`), if it ever did. */
export function lastBaseChange(pr: NonNullable<ChangeRecord['pullRequest']>): string | undefined {
  let latest: string | undefined
  // An unreadable time sorts last (NaN compares false): it can only make the window later.
  for (const c of pr.baseChanges ?? []) if (latest === undefined || !(Date.parse(c.at) <= Date.parse(latest))) latest = c.at
  return latest
}

/**
 * Why a review does not count because it was given before the pull request's latest base change:
 * a change reviewed against one base is not reviewed against another (SPEC §13).
 */
export function reviewedBeforeBaseChange(review: ChangeReview, pr: NonNullable<ChangeRecord['pullRequest']>): string | undefined {
  const changed = lastBaseChange(pr)
  if (changed === undefined) return undefined
  // Strictly after, as instants; a time that cannot be read does not count (fail closed).
  if (review.submittedAt !== null && Date.parse(review.submittedAt) > Date.parse(changed)) return undefined
  const who = review.user?.login ?? 'ghost'
  return `${who}'s approval (${review.submittedAt ?? 'no time'}) was given before the base branch of pull request #${pr.number} last changed${pr.baseRef ? ` (to ${pr.baseRef})` : ''} at ${changed}: a change reviewed against one base is not reviewed against another`
}
