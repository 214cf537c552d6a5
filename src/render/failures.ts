import type { ControlResult, GateResult, Reason, TestRef } from '../engine/result.js'

/** What a failing test is called on every surface: how it broke the control. */
export type FailureKind = 'failed' | 'flaky' | 'crash'

/** One failing (or flaky, or crashed-report) test of one control, as every surface lists it. */
export interface FailureRow {
  control: string
  kind: FailureKind
  test: TestRef
}

/** Where to read how many failures are not shown on a surface that has a limit. */
export const FULL_LIST = 'failures.csv in the evidence bundle'

function kindOf(r: Reason): FailureKind {
  return r.code === 'report-crashed' ? 'crash' : r.code.startsWith('tests-flaky') ? 'flaky' : 'failed'
}

/**
 * Every test a failing reason of `c` names, in the order the reasons give them: the tests that
 * fail the control (or that a waiver covers). Info reasons (flaky: pass) are not failures.
 */
export function controlFailures(c: ControlResult): FailureRow[] {
  const rows: FailureRow[] = []
  for (const r of c.reasons) {
    if (r.effect !== 'fail' || !r.tests) continue
    const kind = kindOf(r)
    for (const test of r.tests) rows.push({ control: c.id, kind, test })
  }
  return rows
}

/** Every control's failures, control by control in the result's order. */
export function allFailures(result: GateResult): FailureRow[] {
  return result.controls.flatMap(controlFailures)
}

/** The test's own place (`src/Posting.java:42`) where the report gives one, else undefined. */
export function sourcePlace(t: TestRef): string | undefined {
  if (!t.file) return undefined
  return t.fileLine ? `${t.file}:${t.fileLine}` : t.file
}

/** Where the report records it (`reports/r.xml:17`), or undefined when unknown. */
export function reportPlace(t: TestRef): string | undefined {
  if (!t.report) return undefined
  return t.line ? `${t.report}:${t.line}` : t.report
}

/** "failed", "flaky (passed on a re-run)" or "report crashed", for a person. */
export function kindWords(kind: FailureKind): string {
  return kind === 'failed' ? 'failed' : kind === 'flaky' ? 'flaky: failed, then passed on a re-run' : 'the report records a crash'
}
