import type { RangeSummary } from './range-summary.js'
/** What the gate concluded and why. Reasons are data; src/render/ words them for every surface. */

import type { ReportStats } from '../reports/model.js'

export type ControlStatus = 'pass' | 'fail' | 'waived'

/** A test named in a reason, with where to find it. */
export interface TestRef {
  name: string
  report: string
  line: number
  /** The test's source file and line, where the report gives them. */
  file?: string
  fileLine?: number
  message?: string
}

export interface Reason {
  /** Stable machine-readable code, e.g. `tests-failed`, `no-tests-matched`, `waiver-expired`. */
  code: string
  /** One sentence a release manager understands without the code. */
  message: string
  /** Whether this reason makes the control fail, explains a pass, or is only worth knowing. */
  effect: 'fail' | 'pass' | 'info'
  tests?: TestRef[]
  people?: string[]
  /** Line in the control map this reason is about (a control, a selector, a waiver). */
  line?: number
}

export interface TestCounts {
  matched: number
  passed: number
  failed: number
  skipped: number
  flaky: number
}

export interface ControlResult {
  id: string
  title: string
  key: boolean
  /** Line of the control in the control map. */
  line: number
  status: ControlStatus
  reasons: Reason[]
  tests: TestCounts
  /** Full names of every matched test, sorted: the evidence of what proved the control. */
  matchedTests: string[]
  /** The waiver that covers a failing control, when one does. */
  waiver?: string
  /** True when a waiver covers an approval control: an emergency change (SPEC §9). */
  emergency?: boolean
}

/** Which control map judged the change and why (SPEC §9), for every surface and the evidence. */
export interface TrustSummary {
  judgedBy: 'trusted' | 'proposed'
  trustedSha256: string | null
  proposedSha256: string
  owners: string[]
  /** Protected files the change touches, with the glob that protects each. */
  touched: { path: string; glob: string }[]
  source?: 'base' | 'policy' | 'first-adoption'
  note?: string
}

/** A report as read: what its reader counted, plus where it is and the hash of its raw bytes. */
export interface ReportResult extends ReportStats {
  path: string
  sha256: string
  size: number
}

export interface Totals {
  cases: number
  passed: number
  failed: number
  errors: number
  skipped: number
  /** Cases no control selected: they prove nothing, but are kept in the counts. */
  unmapped: number
}

export interface GateResult {
  decision: 'allow' | 'block'
  /** The time the evaluation was done for (waiver expiry), ISO-8601. */
  evaluatedAt: string
  /** True when an emergency waiver (of an approval control) gave cover. */
  emergency: boolean
  trust: TrustSummary
  /** What a push, dispatch or deployment ships (SPEC §10), when the change is a range. */
  range?: RangeSummary
  counts: { controls: number; passed: number; failed: number; waived: number }
  controls: ControlResult[]
  reports: ReportResult[]
  totals: Totals
}
