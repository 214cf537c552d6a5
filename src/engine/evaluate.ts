import type { ChangeRecord } from '../change/model.js'
import type { Control, ControlMap } from '../controls/model.js'
import { maskText } from '../reports/mask.js'
import type { Crash, TestCase } from '../reports/model.js'
import { evaluateApprovalControl } from './approval-control.js'
import { addTotals, CaseMapper, emptyTotals } from './case-mapper.js'
import type { ControlResult, GateResult, Reason, ReportResult, TestCounts, Totals } from './result.js'
import { TestTable, type TableCase } from './test-table.js'
import { evaluateTestsControl, MatchedTests } from './tests-control.js'
import { summarizeRange } from './range-summary.js'
import { decideTrust, type TrustDecision } from './trust.js'
import { evaluateWaivers, type WaiverContext } from './waivers.js'

export interface EvaluationInput {
  map: ControlMap
  /** The clock, given: waivers expire relative to it. */
  now: Date
  /** The change record, when one was read or given: approval controls and waivers need it. */
  change?: ChangeRecord
  /**
   * Which map judges and SOX-GATE-INTEGRITY, decided before evaluation (SPEC §9); `map` must be
   * its judging map. Without it (the engine's own tests), `map` is taken as both trusted and
   * proposed, and SOX-GATE-INTEGRITY is shown only when a change record is given.
   */
  trust?: TrustDecision
}

/**
 * controls × test cases × now → decision, fed one case at a time so no report is ever held
 * whole. Only tests that some control selects are remembered, once per test identity.
 */
export class Evaluation {
  private readonly mapper: CaseMapper
  private readonly tests = new TestTable()
  private readonly totals: Totals = emptyTotals()
  private reportIndex = -1
  /** Per control: 1 + the index of the last report in which it matched a test. */
  private readonly touchedIn: Uint32Array
  /** The controls that matched a test of the report being read, so a crash it records fails them. */
  private touchedNow: number[] = []
  private reportOpen = false
  private readonly crashReasons = new Map<number, Reason[]>()

  private readonly trust: TrustDecision

  constructor(private readonly input: EvaluationInput) {
    this.trust = input.trust ?? decideTrust({ trusted: input.map, proposed: input.map, change: input.change, rowOnPlainRun: false })
    if (this.trust.judging !== input.map) throw new Error('the evaluation must use the map that trust decided judges the change')
    this.mapper = new CaseMapper(input.map.controls, this.totals)
    this.touchedIn = new Uint32Array(input.map.controls.length)
  }

  /** Call before the cases of each report: re-runs are recognised within a report, not across. */
  beginReport(): void {
    if (this.reportOpen) throw new Error('Evaluation.beginReport: the previous report was not ended (endReport)')
    this.reportOpen = true
    this.reportIndex++
    this.touchedNow = []
  }

  /**
   * Call after the last case of a report, with the crashes its reader found (SPEC §12): each one
   * fails every control that matched a test of the report, whatever its selectors.
   */
  endReport(reportPath: string, crashes: readonly Crash[]): void {
    if (!this.reportOpen) throw new Error('Evaluation.endReport: no report was begun')
    this.reportOpen = false
    if (crashes.length === 0) return
    const what = crashes.map((c) => maskText(c.line ? `${c.what} (line ${c.line})` : c.what)).join('; ')
    const reason: Reason = {
      code: 'report-crashed',
      effect: 'fail',
      message: `report ${reportPath} records a crash: ${what}, so its passes prove nothing`,
      tests: crashes.slice(0, 3).map((c) => ({ name: `${reportPath} (crash)`, report: reportPath, line: c.line ?? 1, message: maskText(c.what) }))
    }
    for (const c of this.touchedNow) {
      const list = this.crashReasons.get(c)
      if (list) list.push(reason)
      else this.crashReasons.set(c, [reason])
    }
  }

  /**
   * Takes one case as read. Its text is masked first (SPEC §7), so everything the evaluation
   * produces — reasons, names, summaries — is masked, and re-performing from the bundle's
   * masked reports sees exactly the same cases.
   */
  addCase(raw: TestCase): void {
    this.mapper.map(raw, (tc, controls) => this.addMapped(tc, controls))
  }

  /**
   * Takes one case a CaseMapper already masked, counted (see addCounts) and mapped elsewhere (a
   * worker thread reading a report): what addCase does after mapping.
   */
  addMapped(tc: TableCase, controls: readonly number[]): void {
    this.tests.add(tc, Math.max(this.reportIndex, 0), controls)
    const mark = this.reportIndex + 1
    for (const c of controls) {
      if (this.touchedIn[c] !== mark) {
        this.touchedIn[c] = mark
        this.touchedNow.push(c)
      }
    }
  }

  /** Adds the case counts of a report whose cases were mapped elsewhere (addMapped). */
  addCounts(totals: Totals): void {
    addTotals(this.totals, totals)
  }

  finish(reports: ReportResult[]): GateResult {
    if (this.reportOpen) throw new Error('Evaluation.finish: a report was begun but not ended (endReport)')
    const { map, now } = this.input
    const trust = this.trust
    const waiverContext: WaiverContext = { now, owners: trust.owners, maxWaiverDays: trust.maxWaiverDays, approvals: trust.approvals }
    const perControl = map.controls.map(() => new MatchedTests())
    const tests = this.tests
    tests.forEach((slot, status, flaky, controls, failure) => {
      const name = (): string => tests.name(slot)
      for (const c of controls) perControl[c]?.add(name, status, flaky, failure)
    })
    const lastRead = new LastRead()
    const evaluated = map.controls.map((control, i) => {
      const result = evaluateControl(control, perControl[i] as MatchedTests, this.crashReasons.get(i) ?? [], map, this.input.change, waiverContext)
      return withLazyMatchedTests(result, () => lastRead.get(i, () => tests.namesOf(i)))
    })
    const controls = trust.integrity ? [trust.integrity, ...evaluated] : evaluated
    const counts = {
      controls: controls.length,
      passed: controls.filter((c) => c.status === 'pass').length,
      failed: controls.filter((c) => c.status === 'fail').length,
      waived: controls.filter((c) => c.status === 'waived').length
    }
    const range = summarizeRange(this.input.change)
    return {
      decision: counts.failed === 0 ? 'allow' : 'block',
      evaluatedAt: now.toISOString(),
      emergency: controls.some((c) => c.emergency === true),
      trust: {
        judgedBy: trust.judgedBy,
        trustedSha256: trust.trustedSha256,
        proposedSha256: trust.proposedSha256,
        owners: trust.owners,
        touched: trust.touched,
        ...(this.input.change?.trust ? { source: this.input.change.trust.source, note: this.input.change.trust.note } : {})
      },
      ...(range ? { range } : {}),
      counts,
      controls,
      reports,
      totals: { ...this.totals }
    }
  }
}

function evaluateControl(
  control: Control,
  matched: MatchedTests,
  crashes: readonly Reason[],
  map: ControlMap,
  change: ChangeRecord | undefined,
  waiverContext: WaiverContext
): ControlResult {
  const reasons: Reason[] = []
  let pass = true
  let counts: TestCounts = { matched: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 }
  if (control.tests.length > 0) {
    const verdict = evaluateTestsControl(control, matched)
    pass &&= verdict.pass
    reasons.push(...verdict.reasons)
    counts = verdict.counts
  }
  if (crashes.length > 0) {
    pass = false
    reasons.push(...crashes.slice(0, 10))
  }
  if (control.approval) {
    const verdict = evaluateApprovalControl(control, change)
    pass &&= verdict.pass
    reasons.push(...verdict.reasons)
  }
  const result: ControlResult = {
    id: control.id,
    title: control.title,
    key: control.key,
    line: control.line,
    status: pass ? 'pass' : 'fail',
    reasons,
    tests: counts,
    matchedTests: []
  }
  if (!pass) {
    const waivers = map.waivers.filter((w) => w.control === control.id)
    const verdict = evaluateWaivers(waivers, control, waiverContext)
    result.reasons.push(...verdict.reasons)
    if (verdict.active) {
      result.status = 'waived'
      result.waiver = verdict.active.id
      if (verdict.emergency) result.emergency = true
    }
  }
  return result
}

/**
 * The matched-test list read last, kept until another control's is read: readers go control by
 * control (report.html, then the manifest), often reading one list several times in a row.
 * Keeping every list read instead held all matched names at once (two-byte strings, for the
 * ` › ` in them) while report.html was built: 362 MB peak on the 105 MB bench report.
 */
class LastRead {
  private control = -1
  private names: string[] = []

  get(control: number, build: () => string[]): string[] {
    if (control !== this.control) {
      this.names = []
      this.names = build()
      this.control = control
    }
    return this.names
  }
}

/**
 * `matchedTests` rebuilt from the test table each time it is read after another control's
 * (see LastRead): a run over many reports can match millions of tests, and a run without
 * evidence never needs their names. Reads the same as a plain array property (enumerable, in its
 * place among the keys); the same list, sorted, every time.
 */
function withLazyMatchedTests(result: ControlResult, names: () => string[]): ControlResult {
  Object.defineProperty(result, 'matchedTests', {
    enumerable: true,
    configurable: true,
    get: names,
    set: (value: string[]) => Object.defineProperty(result, 'matchedTests', { value, enumerable: true, configurable: true, writable: true })
  })
  return result
}
