import type { ChangeRecord } from './model.js'

/** Events judged as one pull request (its head, its reviews), never as a deployed range. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group'])

/**
 * Whether an event is judged as a pull request: a pull request or merge queue event, or a
 * `workflow_run` that a pull request's run triggered (the way to gate a fork's pull request:
 * its own run cannot be trusted with a write token, the `workflow_run` it triggers can).
 */
export function judgedAsPullRequest(event: string, workflowRunEvent?: string): boolean {
  if (PULL_REQUEST_EVENTS.has(event)) return true
  return event === 'workflow_run' && workflowRunEvent !== undefined && PULL_REQUEST_EVENTS.has(workflowRunEvent)
}

/** The same, for a change record. */
export function recordJudgedAsPullRequest(change: ChangeRecord): boolean {
  return judgedAsPullRequest(change.event, change.workflowRun?.event)
}
