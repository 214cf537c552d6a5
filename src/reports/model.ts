import { maskText } from './mask.js'

/** The normalized test case every report reader yields (SPEC §2), whatever the format. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped'

export interface TestProperty {
  name: string
  value: string
}

export interface TestCase {
  /** Report path as the user sees it (relative to the working directory) and the line of the case. */
  report: string
  line: number
  suite: string
  classname: string
  name: string
  /** Source file of the test, `/`-separated, where the report names one. */
  file?: string
  /** Line of the test in `file`, where the report gives one. */
  fileLine?: number
  /**
   * The test's outcome. After re-runs it is `passed` exactly when the last attempt passed; a test
   * that never passed keeps the status of its first failure (Surefire counts it so in its headers).
   */
  status: TestStatus
  /** Seconds, where the report gives a sane value. */
  duration?: number
  properties: TestProperty[]
  /** Control tags found on the case: `control`/`controls` properties and `[ID]`/`@ID` in the name. */
  tags: string[]
  /** Every attempt in order, the final one last: more than one when the runner re-ran the test. */
  attempts: TestStatus[]
  /** First line of the failure, error or skip message, where there is one. */
  message?: string
}

/** What a reader learned about a report besides its test cases. */
export interface ReportStats {
  format: string
  cases: number
  passed: number
  failed: number
  errors: number
  skipped: number
  /** Facts worth a line in the evidence, e.g. "suite declares 6 tests but lists none". */
  notes: string[]
  /**
   * What the report records went wrong outside any one test (SPEC §12): a suite-level error, a
   * bail-out, an unmet plan, a build failure, a report cut short. Any one of them fails every
   * control that matched a test of this report: its passes prove nothing.
   */
  crashes: Crash[]
}

/** One crash a report records: what, in a few words, and the report line where it is recorded. */
export interface Crash {
  what: string
  line?: number
}

/** Receives each test case as it is parsed; nothing holds a whole report in memory. */
export type CaseSink = (testCase: TestCase) => void

/**
 * One report format. `read` consumes the decoded text chunk by chunk and calls `sink` for every
 * case as soon as it is complete. It throws `ConfigError` (with a position) for input it cannot read.
 */
export interface ReportReader {
  readonly format: string
  /** True when the start of a file (first few KB, BOM stripped) is this format. */
  sniff(head: string): boolean
  read(chunks: AsyncIterable<string>, reportPath: string, sink: CaseSink): Promise<ReportStats>
}

export function emptyStats(format: string): ReportStats {
  return { format, cases: 0, passed: 0, failed: 0, errors: 0, skipped: 0, notes: [], crashes: [] }
}

/** Records a crash, keeping the first few: one is enough to fail what the report touched. */
export function recordCrash(stats: ReportStats, what: string, line?: number): void {
  // Masked here, as the engine masks cases: the crash is quoted in the evidence and every surface (SPEC §7).
  const text = maskText(what.length > 300 ? what.slice(0, 300) + '…' : what)
  if (stats.crashes.length < MAX_CRASHES) stats.crashes.push(line === undefined || line < 1 ? { what: text } : { what: text, line })
  else if (stats.crashes.length === MAX_CRASHES) stats.crashes.push({ what: 'and more crashes (only the first few are listed)' })
}

const MAX_CRASHES = 20

export function countCase(stats: ReportStats, status: TestStatus): void {
  stats.cases++
  if (status === 'passed') stats.passed++
  else if (status === 'failed') stats.failed++
  else if (status === 'error') stats.errors++
  else stats.skipped++
}

/**
 * The name shown to people and used to recognise the same test across reports. Always a string
 * of its own (see `detach`), so it can be kept without keeping the parser's input alive.
 */
export function fullName(tc: Pick<TestCase, 'suite' | 'classname' | 'name'>): string {
  const classname = tc.classname && tc.classname !== tc.suite ? tc.classname : ''
  if (!tc.suite && !classname) return detach(tc.name)
  // join builds one flat string; a template literal would build a rope still pointing at the parts.
  if (!tc.suite) return [classname, tc.name].join(' › ')
  return classname ? [tc.suite, classname, tc.name].join(' › ') : [tc.suite, tc.name].join(' › ')
}

/**
 * A copy of `s` that shares no memory with the text it was cut from. V8 represents a substring
 * of a large parser chunk as a view onto that chunk; keeping one would keep the whole chunk alive.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}
