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
  /** The `status` and `result` attributes some writers use (googletest, tst, Bazel): the worse one counts. */
  status: string
  result: string
}

// Outcome words as the JUnit dialects write them, lower-cased. Any other word is an error (SPEC §12).
const WORDS: Record<string, TestStatus> = {
  passed: 'passed',
  pass: 'passed',
  success: 'passed',
  successful: 'passed',
  ok: 'passed',
  // googletest: status="run" says the test ran (its elements say how); result="completed" likewise.
  run: 'passed',
  completed: 'passed',
  skipped: 'skipped',
  skip: 'skipped',
  disabled: 'skipped',
  notrun: 'skipped',
  ignored: 'skipped',
  // googletest: a DISABLED_ test is status="notrun" result="suppressed".
  suppressed: 'skipped',
  failed: 'failed',
  failure: 'failed',
  fail: 'failed',
  error: 'error',
  errored: 'error'
}

const RANK: Record<TestStatus, number> = { passed: 0, skipped: 1, failed: 2, error: 3 }

/** The worse of two outcomes: error > failed > skipped > passed. */
export function worse(a: TestStatus, b: TestStatus): TestStatus {
  return RANK[a] >= RANK[b] ? a : b
}

/** An outcome attribute's word: undefined when absent or empty, `error` when not a word we know. */
export function attributeStatus(word: string): TestStatus | undefined {
  const w = word.trim().toLowerCase()
  if (w === '') return undefined
  return WORDS[w] ?? 'error'
}

/**
 * Final status: the worst of the result elements and the `status`/`result` attributes — a case
 * that both failed and was skipped did not pass, and an attribute saying "timeout" is an error
 * whatever the elements say.
 */
export function finalStatus(o: CaseOutcome): TestStatus {
  let status: TestStatus = o.error ? 'error' : o.failure ? 'failed' : o.skipped ? 'skipped' : 'passed'
  // Re-run failures say the test ran and failed: it cannot have been skipped (issue 22).
  if (status === 'skipped' && o.reruns.length > 0) status = 'failed'
  for (const word of [o.status, o.result]) {
    const s = attributeStatus(word)
    if (s) status = worse(status, s)
  }
  return status
}

/** A case whose elements say skipped but which records re-run failures (read as failed). */
export function skippedWithReruns(o: CaseOutcome): boolean {
  return o.skipped && !o.failure && !o.error && o.reruns.length > 0
}

/** Why the outcome attributes say error when they name a word we do not know, for the case's message. */
export function unknownOutcomeWords(o: CaseOutcome): string | undefined {
  const unknown = (['status', 'result'] as const).filter((k) => o[k].trim() !== '' && WORDS[o[k].trim().toLowerCase()] === undefined)
  return unknown.length ? `unknown outcome ${unknown.map((k) => `${k}="${o[k]}"`).join(' ')}: read as an error` : undefined
}

/**
 * Every attempt in order, the final one last. Re-run failures (`rerunFailure`, `rerunError`) are
 * kept whatever else the case holds: Surefire writes them after a `<failure>`, and a case that has
 * them with no `<failure>` (a hand-edited report, a writer that drops the first failure) is not a
 * clean pass but a flaky one — `flaky: fail` fails its control, `flaky: pass` flags it (issue 22).
 */
export function attemptsOf(o: CaseOutcome, status: TestStatus): TestStatus[] {
  if (status === 'passed') return [...o.flaky, ...o.reruns, status]
  if (status === 'failed' || status === 'error') return [...o.flaky, status, ...o.reruns]
  return [status]
}

/** The result elements of a `<testcase>`, spelled exactly as the dialects write them. */
export const OUTCOME_ELEMENTS = new Set(['failure', 'error', 'skipped', 'flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'])

/**
 * An element that looks like an outcome but is not spelled as any JUnit dialect spells one
 * (`<Failure/>`, `<FAILURE/>`, `<ns:failure/>`, `<timeout/>`): we cannot know what it says, so
 * it is an error — never passed over as if the test passed.
 */
export function isForeignOutcome(name: string): boolean {
  if (OUTCOME_ELEMENTS.has(name)) return false
  const local = name.slice(name.lastIndexOf(':') + 1).toLowerCase()
  return /fail|error|skip|abort|timeout|timedout|crash|broken|ignored|disabled|notrun|pending|incomplete|cancel/.test(local)
}
