import type { TestStatus } from '../model.js'

/** Result elements a `<testcase>` may carry, across Ant, Surefire, nextest, Bazel and friends. */
export interface CaseOutcome {
  error: boolean
  failure: boolean
  skipped: boolean
  /** Surefire/nextest: failed attempts before a final pass (`flakyFailure`, `flakyError`). */
  flaky: TestStatus[]
  /** Surefire/nextest: failed re-runs after a first failure (`rerunFailure`, `rerunError`). */
  reruns: TestStatus[]
  /** The `status` attribute some writers use instead of child elements (googletest, tst, Bazel). */
  statusAttr: string
}

const SKIPPED_STATUS = new Set(['skipped', 'disabled', 'notrun', 'ignored', 'skip'])
const FAILED_STATUS = new Set(['failed', 'failure', 'fail'])
const ERROR_STATUS = new Set(['error', 'errored'])

/**
 * Final status: a child element beats the status attribute, and a worse outcome beats a better
 * one (error > failed > skipped > passed) — a case that both failed and was skipped did not pass.
 */
export function finalStatus(o: CaseOutcome): TestStatus {
  if (o.error) return 'error'
  if (o.failure) return 'failed'
  if (o.skipped) return 'skipped'
  const attr = o.statusAttr.toLowerCase()
  if (ERROR_STATUS.has(attr)) return 'error'
  if (FAILED_STATUS.has(attr)) return 'failed'
  if (SKIPPED_STATUS.has(attr)) return 'skipped'
  return 'passed'
}

/** Every attempt in order, the final one last. */
export function attemptsOf(o: CaseOutcome, status: TestStatus): TestStatus[] {
  if (status === 'passed') return [...o.flaky, status]
  if (status === 'failed' || status === 'error') return [...o.flaky, status, ...o.reruns]
  return [status]
}
