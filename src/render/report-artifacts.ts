import type { ReportArtifact, ReportArtifacts } from '../change/model.js'
import type { ReportResult } from '../engine/result.js'
import { escapeCell } from './markdown.js'
import { mdCode } from './md-escape.js'

/** What one artifact's reports came to: summed over the reports read from its folder. */
export interface ArtifactOutcome {
  artifact: ReportArtifact
  reports: number
  cases: number
  passed: number
  failed: number
  errors: number
  skipped: number
  crashes: number
}

/** Each artifact's reports, told apart by the folder (`.sox-gate/artifacts/NAME/`) their path lies in. */
export function outcomesByArtifact(record: ReportArtifacts, reports: readonly ReportResult[], sources: readonly string[], folderOf: (artifact: ReportArtifact) => string): ArtifactOutcome[] {
  return record.artifacts.map((artifact) => {
    const folder = folderOf(artifact)
    const mine = reports.filter((_, i) => (sources[i] ?? '').startsWith(folder))
    const sum = (k: 'cases' | 'passed' | 'failed' | 'errors' | 'skipped'): number => mine.reduce((n, r) => n + r[k], 0)
    return { artifact, reports: mine.length, cases: sum('cases'), passed: sum('passed'), failed: sum('failed'), errors: sum('errors'), skipped: sum('skipped'), crashes: mine.reduce((n, r) => n + r.crashes.length, 0) }
  })
}

/** One line per artifact for the log: a failing leg is named by its artifact. */
export function artifactLines(outcomes: readonly ArtifactOutcome[]): string[] {
  return outcomes.map((o) => `${bad(o) ? 'FAIL' : 'ok  '} artifact ${o.artifact.name} (id ${o.artifact.id}): ${verdict(o)}`)
}

/** The job summary's section: which artifacts were read, from which run, with their digests. */
export function renderArtifactsMarkdown(record: ReportArtifacts, outcomes: readonly ArtifactOutcome[]): string {
  const n = record.artifacts.length
  const run = record.runId === null ? 'this workflow run' : `${record.otherRun ? `workflow run ${record.runId} of ${record.repository}` : `workflow run ${record.runId}`}`
  return [
    '### Report artifacts',
    '',
    `${n} artifact${n === 1 ? '' : 's'} of ${run} (report-artifacts: ${record.patterns.map((p) => `\`${code(p)}\``).join(', ')}; at least ${record.min}), unpacked under \`.sox-gate/artifacts/\` before the reports were read:`,
    '',
    '| Artifact | Id | Size | Digest (sha256, as uploaded) | Reports | Tests | Result |',
    '|---|---|---|---|---|---|---|',
    ...outcomes.map((o) => `| \`${code(o.artifact.name)}\` | ${o.artifact.id} | ${o.artifact.size} B | ${o.artifact.digest ? `\`${code(o.artifact.digest)}\`` : `none recorded (downloaded: \`sha256:${o.artifact.downloadedSha256}\`)`} | ${o.reports} | ${o.cases} | ${bad(o) ? '❌' : '✅'} ${escapeCell(verdict(o))} |`),
    ''
  ].join('\n')
}

function bad(o: ArtifactOutcome): boolean {
  return o.failed + o.errors + o.crashes > 0
}

function verdict(o: ArtifactOutcome): string {
  const parts = [`${o.passed} passed`, ...(o.failed ? [`${o.failed} failed`] : []), ...(o.errors ? [`${o.errors} error${o.errors === 1 ? '' : 's'}`] : []), ...(o.skipped ? [`${o.skipped} skipped`] : []), ...(o.crashes ? [`${o.crashes} crash${o.crashes === 1 ? '' : 'es'}`] : [])]
  return `${o.reports} report${o.reports === 1 ? '' : 's'}, ${o.cases} test${o.cases === 1 ? '' : 's'}: ${parts.join(', ')}`
}

/** Text inside a code span in a table cell. */
function code(s: string): string {
  return mdCode(s, true)
}
