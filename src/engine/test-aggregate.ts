import type { TestCase, TestStatus } from '../reports/model.js'
import type { TestRef } from './result.js'

export type SettledStatus = 'passed' | 'failed' | 'skipped'

/**
 * One test identity (its full name) across every case that carries it. Within one report the
 * last case wins and earlier failures make it flaky (runners write re-runs as repeated cases);
 * across reports every report must pass (a matrix shard failing fails the test).
 */
export class TestAggregate {
  controls: number[] = []
  private settled: SettledStatus | null = null
  private settledFlaky = false
  private report = -1
  private current: TestStatus = 'passed'
  private currentFlaky = false
  /** Where it first failed, for reasons and annotations. */
  firstFailure?: TestRef

  constructor(readonly name: string) {}

  add(tc: TestCase, reportIndex: number): void {
    if (reportIndex !== this.report) {
      this.settle()
      this.report = reportIndex
      this.currentFlaky = false
    } else if (tc.status === 'passed' && isFailure(this.current)) {
      this.currentFlaky = true
    }
    this.current = tc.status
    if (tc.status === 'passed' && tc.attempts.some(isFailure)) this.currentFlaky = true
    if (tc.status !== 'passed') this.currentFlaky = false
    if (isFailure(tc.status) && !this.firstFailure) {
      this.firstFailure = { name: this.name, report: tc.report, line: tc.line, message: tc.message }
    }
  }

  private settle(): void {
    if (this.report < 0) return
    const now: SettledStatus = isFailure(this.current) ? 'failed' : this.current === 'skipped' ? 'skipped' : 'passed'
    this.settled = combine(this.settled, now)
    this.settledFlaky ||= this.currentFlaky
  }

  /** Final status and flakiness; call once after the last report. */
  finish(): { status: SettledStatus; flaky: boolean } {
    this.settle()
    this.report = -1
    return { status: this.settled ?? 'skipped', flaky: this.settledFlaky && this.settled === 'passed' }
  }

  addControls(controls: readonly number[]): void {
    for (const c of controls) if (!this.controls.includes(c)) this.controls.push(c)
  }
}

function isFailure(s: TestStatus): boolean {
  return s === 'failed' || s === 'error'
}

/** A failure anywhere wins; a pass anywhere beats a skip elsewhere (e.g. a platform-only test). */
function combine(a: SettledStatus | null, b: SettledStatus): SettledStatus {
  if (a === null) return b
  if (a === 'failed' || b === 'failed') return 'failed'
  if (a === 'passed' || b === 'passed') return 'passed'
  return 'skipped'
}

