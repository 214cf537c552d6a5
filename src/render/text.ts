import type { ControlMap } from '../controls/model.js'
import { INTEGRITY_CONTROL_ID } from '../controls/protected.js'
import type { GateResult } from '../engine/result.js'
import { controlFailures, FULL_LIST, reportPlace, sourcePlace, type FailureRow } from './failures.js'
import { emergencyBanner, headline, mainReasons, reportOnlyWords, statusLabel, testsCell, rangeLines, totalsLine, trustLine } from './words.js'

/** How many failing tests of one control the text names; the rest are counted. */
const TEXT_FAILURES = 20

const MARK: Record<FailureRow['kind'], string> = { failed: '✗', flaky: '~', crash: '!' }

/** `✗ name — message — src/Posting.java:42 (report reports/r.xml:17)`: one line a person can act on. */
function failureLine(f: FailureRow): string {
  const t = f.test
  const source = sourcePlace(t)
  const report = reportPlace(t)
  const where = source ? `${source}${report ? ` (report ${report})` : ''}` : report ? `report ${report}` : ''
  const kind = f.kind === 'flaky' ? ' (flaky: passed on a re-run)' : ''
  return [`${MARK[f.kind]} ${t.name}${kind}`, t.message, where].filter(Boolean).join(' — ')
}

/** What `sox-gate check` prints for a person; in report-only mode, a line under the headline says what the mode did. */
export function renderText(map: ControlMap, result: GateResult, mode: 'enforce' | 'report-only' = 'enforce'): string {
  const lines = [`sox-gate ${map.system}: ${headline(result)}`]
  if (mode === 'report-only') lines.push(`  ${reportOnlyWords(result)}`)
  const banner = emergencyBanner(result)
  if (banner) lines.push(`  !!! ${banner}`)
  const idWidth = result.controls.reduce((w, c) => Math.max(w, c.id.length), 0)
  const trust = trustLine(result)
  for (const c of result.controls) {
    lines.push(`  ${statusLabel(c.status).padEnd(6)} ${c.id.padEnd(idWidth)}  ${c.title}  [${testsCell(c)}]`)
    // A passing integrity row with no trust line below says what it rests on (a map trusted as given).
    if (c.status === 'pass' && !(c.id === INTEGRITY_CONTROL_ID && !trust)) continue
    for (const r of mainReasons(c)) lines.push(`         - ${r}`)
    const failures = controlFailures(c)
    for (const f of failures.slice(0, TEXT_FAILURES)) lines.push(`           ${failureLine(f)}`)
    if (failures.length > TEXT_FAILURES) lines.push(`           … and ${failures.length - TEXT_FAILURES} more (${FULL_LIST} and --format json list all ${failures.length})`)
  }
  lines.push(totalsLine(result))
  if (trust) lines.push(trust)
  const range = rangeLines(result)
  if (range) lines.push(range.head, ...range.items.map((i) => `  ${i}`))
  for (const r of result.reports) {
    for (const crash of r.crashes) lines.push(`crash: ${r.path}${crash.line ? `:${crash.line}` : ''}: ${crash.what}`)
    for (const note of r.notes) lines.push(`note: ${r.path}: ${note}`)
  }
  return lines.join('\n') + '\n'
}
