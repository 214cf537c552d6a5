import type { Control, Selector } from '../controls/model.js'
import type { Reason, TestCounts, TestRef } from './result.js'
import type { SettledStatus } from './test-aggregate.js'

/** A matched test after all its cases were folded together. */
export interface MatchedTest {
  name: string
  status: SettledStatus
  flaky: boolean
  firstFailure?: TestRef
}

export interface TestsVerdict {
  pass: boolean
  reasons: Reason[]
  counts: TestCounts
}

/** How many tests a reason names before it says "and N more". */
const NAMED_LIMIT = 10

/**
 * A test-proven control: at least `min-tests` matched tests passed, none failed, none skipped
 * (unless allowed), and no flaky one when `flaky: fail`. Each broken rule is its own reason.
 */
export function evaluateTestsControl(control: Control, tests: readonly MatchedTest[]): TestsVerdict {
  const failed = tests.filter((t) => t.status === 'failed')
  const skipped = tests.filter((t) => t.status === 'skipped')
  const passed = tests.filter((t) => t.status === 'passed')
  const flaky = passed.filter((t) => t.flaky)
  const counts: TestCounts = { matched: tests.length, passed: passed.length, failed: failed.length, skipped: skipped.length, flaky: flaky.length }
  const reasons: Reason[] = []

  if (tests.length === 0) {
    reasons.push({
      code: 'no-tests-matched',
      effect: 'fail',
      message: `no test in the reports matched its selectors (${describeSelectors(control.tests)})`,
      line: control.line
    })
    return { pass: false, reasons, counts }
  }
  if (failed.length > 0) {
    reasons.push({
      code: 'tests-failed',
      effect: 'fail',
      message: `${failed.length} of ${tests.length} matched tests failed: ${nameList(failed)}`,
      tests: failed.slice(0, NAMED_LIMIT).map((t) => t.firstFailure ?? { name: t.name, report: '', line: 0 })
    })
  }
  if (skipped.length > 0) {
    reasons.push(
      control.allowSkipped
        ? { code: 'tests-skipped-allowed', effect: 'info', message: `${skipped.length} matched tests were skipped (allow-skipped): ${nameList(skipped)}` }
        : {
            code: 'tests-skipped',
            effect: 'fail',
            message: `${skipped.length} matched test${skipped.length === 1 ? ' was' : 's were'} skipped and allow-skipped is false: ${nameList(skipped)}`
          }
    )
  }
  if (flaky.length > 0) {
    reasons.push(
      control.flaky === 'fail'
        ? { code: 'tests-flaky', effect: 'fail', message: `${flaky.length} matched tests passed only on a re-run (flaky: fail): ${nameList(flaky)}` }
        : { code: 'tests-flaky-allowed', effect: 'info', message: `${flaky.length} matched tests passed only on a re-run (flaky: pass): ${nameList(flaky)}` }
    )
  }
  // Too few passes is worth its own reason only when the failures above do not already explain it,
  // or when even fixing them would not reach min-tests.
  const explained = reasons.some((r) => r.effect === 'fail')
  if (passed.length < control.minTests && (!explained || tests.length < control.minTests)) {
    reasons.push({
      code: 'too-few-passed',
      effect: 'fail',
      message: `${passed.length} matched test${passed.length === 1 ? '' : 's'} passed; min-tests is ${control.minTests}`,
      line: control.line
    })
  }
  const pass = !reasons.some((r) => r.effect === 'fail')
  if (pass) {
    reasons.unshift({
      code: 'tests-passed',
      effect: 'pass',
      message: `${passed.length} of ${tests.length} matched tests passed (min-tests ${control.minTests})`
    })
  }
  return { pass, reasons, counts }
}

function nameList(tests: readonly MatchedTest[]): string {
  const names = tests.slice(0, NAMED_LIMIT).map((t) => t.name)
  const more = tests.length - names.length
  return names.join('; ') + (more > 0 ? `; and ${more} more` : '')
}

export function describeSelectors(selectors: readonly Selector[]): string {
  return selectors.map((s) => `${s.kind} ${JSON.stringify(s.pattern)}`).join(', ')
}
