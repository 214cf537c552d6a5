import type { ChangeRecord } from './model.js'

/** Events judged as one pull request (its head, its reviews), never as a deployed range. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'merge_group'])

/**
 * Whether an event is judged as a pull request: a pull request, review or merge queue event, or a
 * `workflow_run` that one of them triggered (the way to gate a fork's pull request — its own run
 * cannot be trusted with a write token, the `workflow_run` it triggers can — and the way to keep
 * the gate's definition out of the pull request's reach, SPEC §13).
 */
export function judgedAsPullRequest(event: string, workflowRunEvent?: string): boolean {
  if (PULL_REQUEST_EVENTS.has(event)) return true
  return event === 'workflow_run' && workflowRunEvent !== undefined && PULL_REQUEST_EVENTS.has(workflowRunEvent)
}

/** The same, for a change record. */
export function recordJudgedAsPullRequest(change: ChangeRecord): boolean {
  return judgedAsPullRequest(change.event, change.workflowRun?.event)
}

/**
 * Whether the evaluated commit must be the pull request's current head (SPEC §13): every pull
 * request event but a merge queue's, whose commit is the queue's merge of the approved head.
 */
export function judgedOnPullRequestHead(change: ChangeRecord): boolean {
  if (!recordJudgedAsPullRequest(change)) return false
  return (change.event === 'workflow_run' ? change.workflowRun?.event : change.event) !== 'merge_group'
}
