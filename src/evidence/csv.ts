import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { allFailures, controlFailures, FULL_LIST, reportPlace, sourcePlace } from '../render/failures.js'

const COLUMNS = ['control_id', 'title', 'sox', 'type', 'key', 'owner', 'objective', 'risk', 'status', 'waiver', 'tests_matched', 'tests_passed', 'tests_failed', 'tests_skipped', 'tests_flaky', 'reasons', 'failing_tests']

/**
 * The control matrix for spreadsheets: RFC 4180 (CRLF line ends, fields quoted when they hold a
 * comma, quote or line break, quotes doubled). A text cell that a spreadsheet would run as a
 * formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export function renderCsv(map: ControlMap, result: GateResult): string {
  const byId = new Map(map.controls.map((c) => [c.id, c]))
  const rows = result.controls.map((r) => {
    const c = byId.get(r.id)
    return [r.id, r.title, c?.sox.join(' ') ?? '', c?.type ?? '', r.key ? 'yes' : 'no', c?.owner ?? '', c?.objective ?? '', c?.risk ?? '', r.status, r.waiver ?? '', r.tests.matched, r.tests.passed, r.tests.failed, r.tests.skipped, r.tests.flaky, r.reasons.map((x) => x.message).join('\n'), failingCell(r)]
  })
  return [COLUMNS, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** How many failing tests a controls.csv cell names (a spreadsheet cell holds at most 32,767 characters). */
const CELL_FAILURES = 20
const CELL_LIMIT = 30_000

/** `name — message — src/Posting.java:42` per line, the first 20; failures.csv has every one. */
function failingCell(c: GateResult['controls'][number]): string {
  const rows = controlFailures(c)
  const lines = rows.slice(0, CELL_FAILURES).map(({ test: t }) => [t.name, t.message, sourcePlace(t) ?? reportPlace(t)].filter(Boolean).join(' — '))
  if (rows.length > CELL_FAILURES) lines.push(`… and ${rows.length - CELL_FAILURES} more: ${FULL_LIST}`)
  const text = lines.join('\n')
  return text.length <= CELL_LIMIT ? text : `${text.slice(0, CELL_LIMIT)}… (cut: ${FULL_LIST} has every one)`
}

const FAILURE_COLUMNS = ['control', 'test', 'file', 'line', 'message', 'report', 'report_line', 'kind']

/**
 * Every failing test of every failing or waived control (and every flaky one where `flaky: fail`),
 * one row per control and test, with the control's failure message (first line, masked, bounded)
 * and place: `file`/`line` are the test's own where the report gives them, `report`/`report_line`
 * where it was read. Same quoting and formula guard as controls.csv; a header even when empty.
 */
export function renderFailuresCsv(result: GateResult): string {
  const rows = allFailures(result).map(({ control, kind, test: t }) => [control, t.name, t.file ?? '', t.fileLine ?? '', t.message ?? '', t.report, t.line || '', kind])
  return [FAILURE_COLUMNS, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

export function cell(value: string | number): string {
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
