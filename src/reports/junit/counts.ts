/**
 * The counts a `<testsuite>` or `<testsuites>` declares, against what its test cases hold.
 *
 * A report whose suite says `failures="1"` while none of its cases failed has lost a failing case
 * (removed by hand, or a writer that kept the passes): its passes prove nothing, so it is a crash
 * of the report (SPEC §12: "counts disagree: …", every control that matched one of its tests
 * fails). What "disagree" means comes from how the real writers count (../shared/corpus):
 *
 * - Failing results are counted as elements, not cases: Surefire counts every re-run
 *   (`<rerunFailure>`, `<flakyFailure>`) in `failures`, and a case may hold several `<failure>`s;
 *   a suite's own `<failure>`/`<error>` counts, and so does a case whose `status` attribute alone
 *   says it failed.
 * - `failures` and `errors` are compared one at a time with all failing results, never summed:
 *   writers file the same result under either or both (gotestsum counts a package that did not
 *   build under `errors` of `<testsuites>` and as a `<failure>` case; jest-junit files a suite
 *   that could not run as an error).
 * - Only a declaration of more failing results than there are is a contradiction. Fewer is not
 *   (gotestsum writes `failures="0"` on a package whose build failed; the failures are read and
 *   fail their controls anyway).
 * - `tests` and `skipped` are not compared: real writers disagree with their cases both ways
 *   (jest-junit and gotestsum write `tests="0"` above a case they add for a file that failed to
 *   run; mocha-junit-reporter counts pending tests it does not write; Surefire counts re-runs in
 *   `tests`; reports trimmed to a few cases keep the original totals). A skipped case that goes
 *   missing gives no cover anyway: only passes count for a control.
 * - A count that is absent, empty or not a whole number says nothing and is not compared.
 *
 * Sums travel up from nested suites to their parents and to `<testsuites>` as each closes, so
 * the work per case is constant however deep the nesting.
 */
export class CountCheck {
  failing = 0
  private readonly failures: number | undefined
  private readonly errors: number | undefined

  constructor(
    /** How the element is named in the crash: `suite "ledger"`, `<testsuites> "jest tests"`. */
    private readonly what: string,
    attrs: Record<string, string>,
    readonly line: number
  ) {
    this.failures = count(attrs.failures)
    this.errors = count(attrs.errors)
  }

  add(n: number): void {
    this.failing += n
  }

  /** The crash's words when the declared counts claim more failing results than were read, else undefined. */
  disagreement(): string | undefined {
    const declared = Math.max(this.failures ?? 0, this.errors ?? 0)
    if (declared <= this.failing) return undefined
    const said = [this.failures === undefined ? '' : `failures="${this.failures}"`, this.errors === undefined ? '' : `errors="${this.errors}"`].filter(Boolean).join(' ')
    const read = this.failing === 0 ? 'none of its test cases failed' : `its test cases hold only ${this.failing} failing result${this.failing === 1 ? '' : 's'}`
    return `counts disagree: ${this.what} declares ${said}, but ${read} (a failing test case is missing, so its passes prove nothing)`
  }
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}
