import type { ReportArtifacts } from '../change/model.js'
import type { ControlStatus, ReportResult, TestCounts, Totals } from '../engine/result.js'
import type { RedactionCounts } from '../reports/mask.js'
import type { RunMetadata } from './run-metadata.js'

/** A file of the bundle: path relative to the bundle with `/` separators. */
export interface ManifestFile {
  path: string
  sha256: string
  size: number
}

/**
 * The bundle's version. 2: decision.json carries `mode`; report.html lists failing controls first,
 * marks every key control (SOX-GATE-INTEGRITY too) and lists every input (change.json, both maps,
 * report artifacts); titles say "SOX compliance gate"; SOX-GATE-INTEGRITY is a row of every run.
 * `verify` re-performs and re-renders a version 1 bundle as version 1 made it.
 */
export type ManifestVersion = 1 | 2
export const MANIFEST_VERSION: ManifestVersion = 2

/** manifest.json (SPEC §6); described by schema/manifest.schema.json. */
export interface Manifest {
  manifestVersion: ManifestVersion
  tool: { name: string; version: string }
  run: RunMetadata
  mode: 'enforce' | 'report-only'
  evaluatedAt: string
  decision: 'allow' | 'block'
  counts: { controls: number; passed: number; failed: number; waived: number }
  /** sha256 and size of the map as read; it is kept unchanged at bundlePath. */
  controlMap: { path: string; sha256: string; size: number; bundlePath: string }
  /** The map read from outside the change, when there was one besides the proposed map. */
  trustedControlMap?: { path: string; sha256: string; size: number; bundlePath: string } | null
  judgedBy?: 'trusted' | 'proposed'
  emergency?: boolean
  /** Each report as read: sha256 and size of the raw bytes (before masking), and where its masked copy is. */
  reports: (ReportResult & { bundlePath: string })[]
  /** The workflow artifacts the reports came from (`report-artifacts`): id, name, size and digest of each. */
  reportArtifacts?: ReportArtifacts
  change: { bundlePath: string } | null
  controls: { id: string; status: ControlStatus; waiver?: string; emergency?: boolean; tests: TestCounts; matchedTests: string[] }[]
  totals: Totals
  /**
   * How many values were masked in the reports kept, per kind — never the values. `secretKinds`
   * (which secrets the `secret` count was) is absent from bundles made before it existed.
   */
  redactions: Omit<RedactionCounts, 'secretKinds'> & { secretKinds?: RedactionCounts['secretKinds'] }
  /** Every file of the bundle but manifest.json itself, sorted by path. */
  files: ManifestFile[]
}
