import type { Control, Selector } from '../controls/model.js'
import type { Reason, TestCounts, TestRef } from './result.js'
import type { SettledStatus } from './test-table.js'

/** How many tests a reason's message names before it says "and N more"; its `tests` list has them all. */
const NAMED_LIMIT = 10

/**
 * What a control's matched tests came to: counts, every failing and flaky test (with where it
 * failed and why: a person must be able to read each one), and the first few skipped ones by name.
 * Names are asked for only when listed: many reports can match millions of tests, but the tests
 * that fail are few, and each is kept once (the same TestRef for every control that matched it).
 */
export class MatchedTests {
  matched = 0
  passed = 0
  flaky = 0
  readonly failed: TestRef[] = []
  readonly skipped: string[] = []
  readonly flakyTests: TestRef[] = []
  skippedCount = 0

  get failedCount(): number {
    return this.failed.length
  }

  add(name: () => string, status: SettledStatus, flaky: boolean, failure: TestRef | undefined): void {
    this.matched++
    if (status === 'passed') {
      this.passed++
      if (flaky) {
        this.flaky++
        this.flakyTests.push(failure ?? { name: name(), report: '', line: 0 })
      }
    } else if (status === 'failed') {
      this.failed.push(failure ?? { name: name(), report: '', line: 0 })
    } else {
      this.skippedCount++
      if (this.skipped.length < NAMED_LIMIT) this.skipped.push(name())
    }
  }
}

export interface TestsVerdict {
  pass: boolean
  reasons: Reason[]
  counts: TestCounts
}


/**
 * A test-proven control: at least `min-tests` matched tests passed, none failed, none skipped
 * (unless allowed), and no flaky one when `flaky: fail`. Each broken rule is its own reason.
 */
export function evaluateTestsControl(control: Control, tests: MatchedTests): TestsVerdict {
  const matched = tests.matched
  const counts: TestCounts = { matched, passed: tests.passed, failed: tests.failedCount, skipped: tests.skippedCount, flaky: tests.flaky }
  const reasons: Reason[] = []

  if (matched === 0) {
    reasons.push({
      code: 'no-tests-matched',
      effect: 'fail',
      message: `no test in the reports matched its selectors (${describeSelectors(control.tests)})`,
      line: control.line
    })
    return { pass: false, reasons, counts }
  }
  if (counts.failed > 0) {
    reasons.push({
      code: 'tests-failed',
      effect: 'fail',
      message: `${counts.failed} of ${matched} matched tests failed: ${nameList(tests.failed.slice(0, NAMED_LIMIT).map((t) => t.name), counts.failed)}`,
      tests: tests.failed
    })
  }
  if (counts.skipped > 0) {
    const list = nameList(tests.skipped, counts.skipped)
    reasons.push(
      control.allowSkipped
        ? { code: 'tests-skipped-allowed', effect: 'info', message: `${counts.skipped} matched test${counts.skipped === 1 ? ' was' : 's were'} skipped (allow-skipped): ${list}` }
        : { code: 'tests-skipped', effect: 'fail', message: `${counts.skipped} matched test${counts.skipped === 1 ? ' was' : 's were'} skipped and allow-skipped is false: ${list}` }
    )
  }
  if (counts.flaky > 0) {
    const list = nameList(tests.flakyTests.slice(0, NAMED_LIMIT).map((t) => t.name), counts.flaky)
    const flaky = tests.flakyTests
    reasons.push(
      control.flaky === 'fail'
        ? { code: 'tests-flaky', effect: 'fail', message: `${counts.flaky} matched test${counts.flaky === 1 ? '' : 's'} passed only on a re-run (flaky: fail): ${list}`, tests: flaky }
        : { code: 'tests-flaky-allowed', effect: 'info', message: `${counts.flaky} matched test${counts.flaky === 1 ? '' : 's'} passed only on a re-run (flaky: pass): ${list}`, tests: flaky }
    )
  }
  // Too few passes is worth its own reason only when the failures above do not already explain it,
  // or when even fixing them would not reach min-tests.
  const explained = reasons.some((r) => r.effect === 'fail')
  if (counts.passed < control.minTests && (!explained || matched < control.minTests)) {
    reasons.push({
      code: 'too-few-passed',
      effect: 'fail',
      message: `${counts.passed} matched test${counts.passed === 1 ? '' : 's'} passed; min-tests is ${control.minTests}`,
      line: control.line
    })
  }
  const pass = !reasons.some((r) => r.effect === 'fail')
  if (pass) {
    reasons.unshift({ code: 'tests-passed', effect: 'pass', message: `${counts.passed} of ${matched} matched tests passed (min-tests ${control.minTests})` })
  }
  return { pass, reasons, counts }
}

function nameList(names: readonly string[], total: number): string {
  const more = total - names.length
  return names.join('; ') + (more > 0 ? `; and ${more} more` : '')
}

export function describeSelectors(selectors: readonly Selector[]): string {
  return selectors.map((s) => `${s.kind} ${JSON.stringify(s.pattern)}`).join(', ')
}
