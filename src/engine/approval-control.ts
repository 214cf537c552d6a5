import { resolveAuthors, type Author } from '../change/identity.js'
import { recordJudgedAsPullRequest } from '../change/events.js'
import type { Account, ChangeRecord, ChangeReview, RangePullRequest } from '../change/model.js'
import type { ApprovalRule, Control } from '../controls/model.js'
import { shippedReasons } from './range-trust.js'
import type { Reason } from './result.js'
import { headMovedOn, reviewedBeforeBaseChange } from './review-window.js'

export interface ApprovalVerdict {
  pass: boolean
  reasons: Reason[]
}

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : 'no commit')

/**
 * Segregation of duties (SPEC §3): the change was approved by at least `min-approvals` people
 * who are not its authors, not bots, on the head commit when `fresh`, with no outstanding
 * request for changes, and — when asked — its deployment approved by a non-author too.
 * What cannot be known (no change record, an API error, an unlisted commit) fails.
 */
export function evaluateApprovalControl(control: Control, change: ChangeRecord | undefined, within: 'change' | 'range' = 'change'): ApprovalVerdict {
  const rule = control.approval as ApprovalRule
  const fail = (code: string, message: string, people?: string[]): ApprovalVerdict => ({
    pass: false,
    reasons: [{ code, effect: 'fail', message, line: control.line, ...(people ? { people } : {}) }]
  })
  if (!change) return fail('no-change-record', 'no change record: who wrote and who approved the change is unknown (the action reads it from GitHub; the CLI takes --change FILE)')
  if (change.problems.length > 0) {
    return { pass: false, reasons: change.problems.map((p) => ({ code: 'change-unreadable', effect: 'fail', message: `the change could not be read: ${p}`, line: control.line })) }
  }
  const pr = change.pullRequest
  if (!pr) return fail('no-pull-request', `direct push, no review: no pull request brought ${short(change.sha)}`)
  const moved = headMovedOn(change)
  if (moved) return fail('head-moved-on', moved)
  const wrong = notTheApprovedCommit(change)
  if (wrong) return fail('not-approved-commit', wrong)
  // What ships, from facts the change cannot write (SPEC §13): once, for the range as a whole.
  const unreviewed = [...unreviewedInRange(change, control), ...(within === 'change' ? shippedReasons(change) : [])]
  if (unreviewed.some((r) => r.effect === 'fail')) return { pass: false, reasons: unreviewed.map((r) => ({ ...r, line: control.line })) }
  if (!change.commitsComplete) {
    return fail('commits-incomplete', `pull request #${pr.number} has more commits than GitHub lists (250): its authors cannot all be known`)
  }

  const reasons: Reason[] = []
  const authors = resolveAuthors(change, rule.authors)
  const authorByLogin = new Map(authors.filter((a) => a.login).map((a) => [a.login as string, a]))
  if (!rule.allowUnlinkedAuthors) {
    for (const a of authors.filter((x) => x.unlinked)) {
      reasons.push({
        code: 'unlinked-author',
        effect: 'fail',
        message: `${a.label} (${a.roles.join(', ')}) has no GitHub account, so it cannot be shown they did not approve (allow-unlinked-authors is false)`,
        people: [a.label]
      })
    }
  }

  const allowed = new Set(rule.allowedApprovers.map((l) => l.toLowerCase()))
  const qualifying: string[] = []
  for (const review of latestOpinions(change.reviews)) {
    const who = (review.user as Account).login
    const whoKey = who.toLowerCase()
    if (review.state === 'CHANGES_REQUESTED') {
      if (rule.blockOnChangesRequested) reasons.push({ code: 'changes-requested', effect: 'fail', message: `${who} requested changes on ${short(review.commitId)} and has not approved since`, people: [who] })
      continue
    }
    if (review.state === 'DISMISSED') {
      reasons.push({ code: 'review-dismissed', effect: 'info', message: `${who}'s review was dismissed: it does not count`, people: [who] })
      continue
    }
    const why = disqualification(review, rule, pr.headSha, authorByLogin.get(whoKey), allowed) ?? withoutWriteAccess(review, change) ?? beforeBaseChange(review, pr)
    if (why) reasons.push({ code: why.code, effect: 'info', message: why.message, people: [who] })
    else qualifying.push(who)
  }

  const independent = `${qualifying.length} independent approval${qualifying.length === 1 ? '' : 's'}${qualifying.length ? ` (${qualifying.join(', ')})` : ''}`
  if (qualifying.length >= rule.minApprovals) {
    reasons.unshift({
      code: 'approved',
      effect: 'pass',
      message: `pull request #${pr.number} has ${independent} on ${rule.fresh ? `head ${short(pr.headSha)}` : 'the change'}; min-approvals is ${rule.minApprovals}; authors: ${authors.map((a) => a.label).join(', ')}`,
      people: qualifying
    })
  } else {
    reasons.unshift({
      code: 'too-few-approvals',
      effect: 'fail',
      message: `pull request #${pr.number} has ${independent}; min-approvals is ${rule.minApprovals}; authors: ${authors.map((a) => a.label).join(', ')}`,
      people: qualifying
    })
  }
  if (rule.deploymentApproval) reasons.push(deploymentReason(change, authorByLogin, rule))
  reasons.push(...unreviewed)
  // A range's own pull request is judged as part of that range, which has a start.
  const alone = within === 'change' ? withoutRange(change) : undefined
  if (alone) reasons.push({ code: 'no-range-start', effect: 'info', message: alone })
  return { pass: !reasons.some((r) => r.effect === 'fail'), reasons: reasons.map((r) => ({ ...r, line: r.line ?? control.line })) }
}

/** Each reviewer's latest APPROVED / CHANGES_REQUESTED / DISMISSED review; COMMENTED supersedes nothing. */
export function latestOpinions(reviews: readonly ChangeReview[]): ChangeReview[] {
  const ordered = [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || a.id - b.id)
  const latest = new Map<string, ChangeReview>()
  for (const r of ordered) {
    if (!r.user) continue
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED') latest.set(r.user.login.toLowerCase(), r)
  }
  return [...latest.values()]
}

function disqualification(review: ChangeReview, rule: ApprovalRule, headSha: string, author: Author | undefined, allowed: Set<string>): { code: string; message: string } | undefined {
  const who = (review.user as Account).login
  if (author) return { code: 'approval-by-author', message: `${who} approved but is an author of the change (${author.roles.join(', ')})` }
  if ((review.user as Account).type === 'Bot' && !rule.botsCanApprove) return { code: 'approval-by-bot', message: `${who} approved but is a bot account` }
  if (rule.fresh && review.commitId !== headSha) return { code: 'approval-stale', message: `${who}'s approval is on ${short(review.commitId)}, head is ${short(headSha)}: stale` }
  if (allowed.size > 0 && !allowed.has(who.toLowerCase())) return { code: 'approver-not-allowed', message: `${who} approved but is not in allowed-approvers` }
  return undefined
}

function deploymentReason(change: ChangeRecord, authorByLogin: Map<string, Author>, rule: ApprovalRule): Reason {
  const deployment = change.deployment
  if (!deployment) return { code: 'deployment-approvals-unread', effect: 'fail', message: 'deployment-approval is required but the run\'s deployment approvals were not read' }
  const env = deployment.environment
  const rejected: string[] = []
  for (const a of deployment.approvals) {
    const who = a.user.login
    if (a.state !== 'approved') continue
    if (env && !a.environments.some((e) => e.toLowerCase() === env.toLowerCase())) rejected.push(`${who} approved ${a.environments.join(', ') || 'no environment'}, not ${env}`)
    else if (authorByLogin.has(who.toLowerCase())) rejected.push(`${who} approved the deployment but is an author of the change`)
    else if (a.user.type === 'Bot' && !rule.botsCanApprove) rejected.push(`${who} approved the deployment but is a bot account`)
    else return { code: 'deployment-approved', effect: 'pass', message: `deployment${env ? ` to ${env}` : ''} approved by ${who}, who is not an author`, people: [who] }
  }
  return {
    code: 'no-deployment-approval',
    effect: 'fail',
    message: `no independent deployment approval${env ? ` for ${env}` : ''}${rejected.length ? `: ${rejected.join('; ')}` : ' was given for this run'}`
  }
}

function beforeBaseChange(review: ChangeReview, pr: NonNullable<ChangeRecord['pullRequest']>): { code: string; message: string } | undefined {
  const why = reviewedBeforeBaseChange(review, pr)
  return why ? { code: 'approval-before-base-change', message: why } : undefined
}

/** Write access, as GitHub tells it on the review: only these approvals count (SPEC §10). */
const WRITE_ACCESS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])

/**
 * Why an approval does not count for lack of write access: a second account of the author, or
 * any outsider on a public repository, can approve. Version 1 records did not keep the
 * association; from version 2 on, a missing one does not count either.
 */
export function withoutWriteAccess(review: ChangeReview, change: ChangeRecord): { code: string; message: string } | undefined {
  if (change.version < 2) return undefined
  const association = review.authorAssociation
  if (association && WRITE_ACCESS.has(association)) return undefined
  return { code: 'approval-without-write-access', message: `${review.user?.login ?? 'ghost'} approved but has no write access to the repository (author_association ${association ?? 'unknown'}): it does not count` }
}

/**
 * A push, dispatch or deployment must ship the commit that was approved: the pull request's head,
 * or the commit its merge produced — not an earlier commit of it (SPEC §10).
 */
export function notTheApprovedCommit(change: ChangeRecord): string | undefined {
  const pr = change.pullRequest
  if (!pr || change.version < 2 || recordJudgedAsPullRequest(change)) return undefined
  if (change.sha === pr.headSha || (pr.mergeCommitSha && change.sha === pr.mergeCommitSha)) return undefined
  return `${short(change.sha)} is not the commit that was approved: pull request #${pr.number} was approved on its head ${short(pr.headSha)}${pr.mergeCommitSha ? ` and merged as ${short(pr.mergeCommitSha)}` : ''}, and ${short(change.sha)} is another of its commits`
}

/**
 * A deployment-like event with no range start at all (no `since`, no successful deployment, no
 * push `before`) is judged as the head commit's merged pull request alone (SPEC §10), and says so.
 */
function withoutRange(change: ChangeRecord): string | undefined {
  if (change.version < 2 || change.range || !change.pullRequest || recordJudgedAsPullRequest(change)) return undefined
  return `no range start (no since input, no successful deployment to the environment, no push before): the change is the head commit's merged pull request #${change.pullRequest.number} alone`
}

/**
 * Every commit a deployment ships must have come through the pull request evaluated (SPEC §10):
 * a commit no pull request brought is a direct push; one another pull request brought was not
 * evaluated here, so it fails closed rather than ship unexamined.
 */
export function unreviewedInRange(change: ChangeRecord, control: Control): Reason[] {
  const range = change.range
  const pr = change.pullRequest
  if (!range) return []
  const others = new Map((range.pullRequests ?? []).map((p) => [p.pullRequest.number, p]))
  const judged = new Set<number>()
  const where = `the deployed range ${range.start === range.startSha ? short(range.startSha) : `${range.start} (${short(range.startSha)})`}…${short(change.sha)}`
  const reasons: Reason[] = []
  if (!range.complete) reasons.push({ code: 'range-incomplete', effect: 'fail', message: `GitHub listed only ${range.commits.length} commits of ${where}: what ships cannot all be known` })
  for (const c of range.commits) {
    if (pr && c.pullRequest === pr.number) continue
    if (c.pullRequest === null) reasons.push({ code: 'direct-push', effect: 'fail', message: `direct push, no review: commit ${short(c.sha)} by ${c.author} is in ${where}, and no pull request brought it`, people: [c.author] })
    else if (others.has(c.pullRequest)) {
      if (judged.has(c.pullRequest)) continue
      judged.add(c.pullRequest)
      reasons.push(...judgeOtherPullRequest(change, others.get(c.pullRequest) as RangePullRequest, control, where))
    } else reasons.push({ code: 'range-other-pull-request', effect: 'fail', message: `commit ${short(c.sha)} by ${c.author} in ${where} came through pull request #${c.pullRequest}, which this run did not evaluate: deploy each merge on its own, or run the gate per pull request`, people: [c.author] })
  }
  return reasons
}

/**
 * Another merged pull request the range ships, judged by the same rule as if it were the change
 * (its own authors, reviews and head), its reasons named after it. Recursion stops here: the
 * sub-record carries no range of its own.
 */
function judgeOtherPullRequest(change: ChangeRecord, other: RangePullRequest, control: Control, where: string): Reason[] {
  const verdict = evaluateApprovalControl(control, changeOfPullRequest(change, other), 'range')
  const head = `pull request #${other.pullRequest.number} (in ${where})`
  return verdict.reasons.map((r) => ({ ...r, effect: r.effect === 'pass' ? 'info' : r.effect, message: r.message.startsWith(`pull request #${other.pullRequest.number} `) ? r.message.replace(`pull request #${other.pullRequest.number} `, `${head} `) : `${head}: ${r.message}` }))
}

/**
 * Another pull request of a range, as a change record of its own (its authors, reviews and head;
 * no range): what the approval rule and the range summary judge it by.
 */
export function changeOfPullRequest(change: ChangeRecord, other: RangePullRequest): ChangeRecord {
  return { ...change, sha: other.pullRequest.mergeCommitSha ?? other.pullRequest.headSha, pullRequest: other.pullRequest, reviews: other.reviews, commits: other.commits, commitsComplete: other.commitsComplete, range: undefined }
}
