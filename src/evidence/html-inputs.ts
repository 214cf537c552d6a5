import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import type { RedactionCounts } from '../reports/mask.js'
import type { Manifest, ManifestFile } from './manifest.js'

/** The control maps and the change record as kept in the bundle (the manifest's records of them). */
export interface KeptInputs {
  controlMap: Manifest['controlMap']
  trustedControlMap: Manifest['controlMap'] | null
  change: ManifestFile | null
}

/** What report.html's inputs section is drawn from. */
export interface InputsOfRun {
  map: ControlMap
  result: GateResult
  change?: ChangeRecord
  controlMapSha256: string
  redactions: RedactionCounts
  /** The bundle's other inputs as the manifest records them: every input is listed. */
  kept: KeptInputs
  /** Bundle paths of the kept reports, in the order of result.reports. */
  reportFiles: string[]
}

export const esc = (s: string | number | null | undefined): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

/** report.html's inputs as a version 1 bundle drew them: the judging map and the reports. */
export function inputsV1(x: InputsOfRun): string {
  const parts = ['<h2>Inputs</h2><table id="inputs"><thead><tr><th>File</th><th>Format</th><th>Size</th><th>Cases</th><th>sha256 (as read)</th></tr></thead><tbody>']
  parts.push(`<tr><td>${esc(x.map.file)}</td><td>control map</td><td>${Buffer.byteLength(x.map.source)}</td><td>—</td><td><code>${esc(x.controlMapSha256)}</code></td></tr>`)
  for (const r of x.result.reports) {
    parts.push(`<tr><td>${esc(r.path)}</td><td>${esc(r.format)}</td><td>${r.size}</td><td>${r.cases} (${r.failed + r.errors} failed, ${r.skipped} skipped)</td><td><code>${esc(r.sha256)}</code></td></tr>`)
  }
  parts.push('</tbody></table>')
  parts.push(redactionsLine(x, 'Hashes are of the raw files, before masking.'))
  return parts.join('')
}

/**
 * Every input the bundle keeps, each with where it is kept: the control map (both, when a trusted
 * one was read besides the proposed one, saying which judged), the change record, the workflow
 * artifacts the reports came from, and every report.
 */
export function inputsTable(x: InputsOfRun): string {
  const { kept, result } = x
  const row = (cells: { file: string; keptAs?: string; what: string; size: number | string; cases: string; sha256: string }): string =>
    `<tr><td>${esc(cells.file)}${cells.keptAs ? `<br><small>kept as <code>${esc(cells.keptAs)}</code></small>` : ''}</td><td>${esc(cells.what)}</td><td>${esc(cells.size)}</td><td>${esc(cells.cases)}</td><td><code>${esc(cells.sha256)}</code></td></tr>`
  const parts = ['<h2>Inputs</h2><table id="inputs"><thead><tr><th>File</th><th>What</th><th>Size</th><th>Cases</th><th>sha256</th></tr></thead><tbody>']
  const judged = result.trust.judgedBy
  const maps = kept.trustedControlMap
    ? [
        { m: kept.trustedControlMap, what: `trusted control map${judged === 'trusted' ? ': it judged' : ''}` },
        { m: kept.controlMap, what: `proposed control map (the change's)${judged === 'proposed' ? ': it judged' : ''}` }
      ]
    : [{ m: kept.controlMap, what: 'control map' }]
  for (const { m, what } of maps) parts.push(row({ file: m.path, keptAs: m.bundlePath, what, size: m.size, cases: '—', sha256: m.sha256 }))
  if (kept.change) parts.push(row({ file: kept.change.path, keptAs: kept.change.path, what: `change record (version ${x.change?.version ?? '?'})`, size: kept.change.size, cases: '—', sha256: kept.change.sha256 }))
  const artifacts = x.change?.reportArtifacts
  for (const a of artifacts?.artifacts ?? []) {
    const run = artifacts?.runId === null || artifacts?.runId === undefined ? 'this workflow run' : `workflow run ${artifacts.runId}`
    parts.push(row({ file: `${a.name} (artifact ${a.id})`, keptAs: undefined, what: `report artifact of ${run}, unpacked to ${a.path}`, size: a.size, cases: '—', sha256: a.downloadedSha256 }))
  }
  for (const [i, r] of result.reports.entries()) {
    parts.push(row({ file: r.path, keptAs: x.reportFiles[i], what: `report (${r.format})`, size: r.size, cases: `${r.cases} (${r.failed + r.errors} failed, ${r.skipped} skipped)`, sha256: r.sha256 }))
  }
  parts.push('</tbody></table>')
  parts.push(redactionsLine(x, "A report's sha256 and size are of the raw file as read, before masking (its kept copy is masked); a control map is kept unchanged; the change record is kept as the gate recorded it, and an artifact's sha256 is of its zip as downloaded."))
  return parts.join('')
}

function redactionsLine(x: InputsOfRun, hashes: string): string {
  const redacted = Object.entries(x.redactions).filter(([, n]) => n > 0)
  return `<p>Redactions in the reports as kept: ${redacted.length ? esc(redacted.map(([k, n]) => `${k} ${n}`).join(', ')) : 'none'}. ${esc(hashes)}</p>`
}
