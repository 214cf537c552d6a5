import type { ControlMap } from '../controls/model.js'
import type { ControlResult, GateResult } from '../engine/result.js'
import { controlFailures, FULL_LIST, reportPlace, sourcePlace, type FailureRow } from './failures.js'
import { mdCode, mdText } from './md-escape.js'
import { emergencyBanner, headline, mainReasons, statusLabel, testsCell, rangeLines, totalsLine, trustLine } from './words.js'

const ICON: Record<ControlResult['status'], string> = { pass: '✅', fail: '❌', waived: '⚠️' }

/** GitHub's limit for a job summary is 1 MiB (bytes; the check run's is 65,535 characters): sizes are counted in UTF-8 bytes, never fewer than characters. */
const SUMMARY_LIMIT = 900_000

/** The job summary: a table a release manager reads at a glance, one row per control. */
/**
 * How test-derived text is made inert in Markdown. Bundles of manifestVersion 2 on escape every
 * construct (md-escape.ts); a version 1 bundle's summary.md was made with the narrower escapes it
 * had then, and verify re-renders it with those, byte for byte.
 */
interface Escapes {
  text: (s: string) => string
  code: (s: string) => string
  cell: (s: string) => string
}
const CURRENT: Escapes = { text: mdText, code: mdCode, cell: mdText }
const MANIFEST_V1: Escapes = {
  text: (s) => s.replace(/[\\`*_[\]{}<>#|~!]/g, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : `\\${ch}`)).replace(/\r?\n/g, ' '),
  code: (s) => s.replace(/`/g, "'").replace(/\r?\n/g, ' '),
  cell: (s) => s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ')
}

/** The escapes a bundle of this manifest version was rendered with. */
export function escapesOf(manifestVersion: number): Escapes {
  return manifestVersion === 1 ? MANIFEST_V1 : CURRENT
}

export function renderMarkdown(map: ControlMap, result: GateResult, limit = SUMMARY_LIMIT, esc: Escapes = CURRENT): string {
  const escapeCell = esc.cell
  const head = [
    `## ${result.decision === 'allow' ? '✅' : '⛔'} SOX compliance gate — ${escapeCell(map.system)}`,
    '',
    `**${headline(result)}**`,
    '',
    ...(emergencyBanner(result) ? [`> [!WARNING]`, `> **${esc === MANIFEST_V1 ? (emergencyBanner(result) as string) : esc.text(emergencyBanner(result) as string)}.**`, ''] : []),
    '| Control | Status | Tests | Reason |',
    '|---|---|---|---|'
  ]
  const trust = trustLine(result)
  const range = rangeLines(result)
  const rangePart = range ? ['', escapeCell(range.head), '', ...range.items.map((i) => `- ${escapeCell(i)}`)] : []
  const foot = ['', totalsLine(result), ...(trust ? ['', escapeCell(trust)] : []), ...rangePart, '', `Evaluated at ${result.evaluatedAt} against \`${esc === MANIFEST_V1 ? esc.cell(map.file) : esc.code(map.file)}\`.`]
  const rows: string[] = []
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8') + 1
  // Room kept for the pointer lines, so the total stays under `limit` whatever is cut.
  let size = bytes([...head, ...foot].join('\n')) + 600
  let cut = 0
  const ordered = failingFirst(result.controls)
  for (const c of ordered) {
    const row = `| ${c.key ? '🔑 ' : ''}**${escapeCell(c.id)}** ${escapeCell(c.title)} | ${ICON[c.status]} ${statusLabel(c.status)} | ${testsCell(c)} | ${mainReasons(c).map(escapeCell).join('<br>')} |`
    if (size + bytes(row) > limit) {
      cut++
      continue
    }
    size += bytes(row)
    rows.push(row)
  }
  if (cut > 0) rows.push(`| … | | | ${cut} more controls not shown here: see the evidence bundle |`)
  return [...head, ...rows, ...failuresSection(ordered, limit - size, esc), ...foot].join('\n') + '\n'
}

/**
 * Every failing test of every failing (or waived) control, with its message and place, as long as
 * `room` (bytes) lasts; then one line counting the rest and saying where they all are.
 */
function failuresSection(controls: readonly ControlResult[], room: number, esc: Escapes): string[] {
  const perControl = controls.map((c) => ({ c, failures: controlFailures(c) })).filter((x) => x.failures.length > 0)
  const total = perControl.reduce((n, x) => n + x.failures.length, 0)
  if (total === 0) return []
  const lines = ['', `### Failing tests (${total})`]
  let left = room - Buffer.byteLength(lines.join('\n'), 'utf8')
  let shown = 0
  // A prefix of the full list: the first item that does not fit ends it.
  fill: for (const { c, failures } of perControl) {
    const heading = ['', `**${esc.text(c.id)}** ${esc.text(c.title)}: ${failures.length} failing test${failures.length === 1 ? '' : 's'}${c.status === 'waived' ? ` (waived: ${esc.text(c.waiver ?? '')})` : ''}`, '']
    const headingBytes = Buffer.byteLength(heading.join('\n'), 'utf8') + 1
    for (const [i, f] of failures.entries()) {
      const item = failureItem(f, esc)
      const need = Buffer.byteLength(item, 'utf8') + 1 + (i === 0 ? headingBytes : 0)
      if (need > left) break fill
      if (i === 0) lines.push(...heading)
      lines.push(item)
      left -= need
      shown++
    }
  }
  if (shown < total) lines.push('', `… ${total - shown} more failing test${total - shown === 1 ? '' : 's'} not shown here: see ${FULL_LIST} (every failing test, with its message and place).`)
  return lines
}

/** `- ❌ `name` — message — `src/Posting.java:42` (report `r.xml:17`)` */
function failureItem(f: FailureRow, esc: Escapes): string {
  const t = f.test
  const source = sourcePlace(t)
  const report = reportPlace(t)
  const where = source ? `\`${esc.code(source)}\`${report ? ` (report \`${esc.code(report)}\`)` : ''}` : report ? `report \`${esc.code(report)}\`` : ''
  const mark = f.kind === 'flaky' ? '⚠️' : '❌'
  const kind = f.kind === 'flaky' ? ' (flaky: passed on a re-run)' : ''
  return `- ${mark} \`${esc.code(t.name)}\`${kind}${t.message ? ` — ${esc.text(t.message)}` : ''}${where ? ` — ${where}` : ''}`
}

/** Failing controls first, so a long table still opens on what blocks the change. */
export function failingFirst(controls: readonly ControlResult[]): ControlResult[] {
  const order = { fail: 0, waived: 1, pass: 2 }
  return [...controls].sort((a, b) => order[a.status] - order[b.status])
}

/** Text in a table cell (or anywhere): rendered as itself, a `|` never ends the cell (md-escape.ts). */
export function escapeCell(s: string): string {
  return mdText(s)
}
