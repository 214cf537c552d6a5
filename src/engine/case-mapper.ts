import type { Control } from '../controls/model.js'
import { CaseMasker } from '../reports/mask.js'
import { fullName, type TestCase } from '../reports/model.js'
import { ControlIndex } from './mapping.js'
import type { Totals } from './result.js'
import type { TableCase } from './test-table.js'

export const emptyTotals = (): Totals => ({ cases: 0, passed: 0, failed: 0, errors: 0, skipped: 0, unmapped: 0 })

export function addTotals(into: Totals, from: Totals): void {
  into.cases += from.cases
  into.passed += from.passed
  into.failed += from.failed
  into.errors += from.errors
  into.skipped += from.skipped
  into.unmapped += from.unmapped
}

/**
 * The per-case half of an evaluation: mask the case (SPEC §7), count it, find its controls. It
 * keeps nothing across cases but counts and caches, so it runs wherever a report is read — the
 * main thread or a worker thread (src/workers/) — and what it hands on is the same either way.
 */
export class CaseMapper {
  private readonly index: ControlIndex
  private readonly masker = new CaseMasker()

  constructor(
    controls: readonly Control[],
    public totals: Totals = emptyTotals()
  ) {
    this.index = new ControlIndex(controls)
  }

  /** Counts `raw`; when some control selects it, hands the masked case and its controls (ascending) to `mapped`. */
  map(raw: TestCase, mapped: (tc: TableCase, controls: readonly number[]) => void): void {
    const tc = this.masker.mask(raw)
    const t = this.totals
    t.cases++
    if (tc.status === 'passed') t.passed++
    else if (tc.status === 'failed') t.failed++
    else if (tc.status === 'error') t.errors++
    else t.skipped++
    const name = fullName(tc)
    const controls = this.index.match(tc, name)
    if (controls.length === 0) {
      t.unmapped++
      return
    }
    const rerunFailed = tc.attempts.some((a) => a === 'failed' || a === 'error')
    mapped({ name, file: tc.file, status: tc.status, rerunFailed, report: tc.report, line: tc.line, fileLine: tc.fileLine, message: tc.message }, controls)
  }
}
