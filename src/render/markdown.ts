import type { ControlMap } from '../controls/model.js'
import type { ControlResult, GateResult } from '../engine/result.js'
import { emergencyBanner, headline, mainReasons, statusLabel, testsCell, rangeLines, totalsLine, trustLine } from './words.js'

const ICON: Record<ControlResult['status'], string> = { pass: '✅', fail: '❌', waived: '⚠️' }

/** GitHub's limit for a job summary is 1 MiB; keep well below it and say where the rest is. */
const SUMMARY_LIMIT = 900_000

/** The job summary: a table a release manager reads at a glance, one row per control. */
export function renderMarkdown(map: ControlMap, result: GateResult, limit = SUMMARY_LIMIT): string {
  const head = [
    `## ${result.decision === 'allow' ? '✅' : '⛔'} SOX compliance gate — ${escapeCell(map.system)}`,
    '',
    `**${headline(result)}**`,
    '',
    ...(emergencyBanner(result) ? [`> [!WARNING]`, `> **${emergencyBanner(result) as string}.**`, ''] : []),
    '| Control | Status | Tests | Reason |',
    '|---|---|---|---|'
  ]
  const trust = trustLine(result)
  const range = rangeLines(result)
  const rangePart = range ? ['', escapeCell(range.head), '', ...range.items.map((i) => `- ${escapeCell(i)}`)] : []
  const foot = ['', totalsLine(result), ...(trust ? ['', escapeCell(trust)] : []), ...rangePart, '', `Evaluated at ${result.evaluatedAt} against \`${escapeCell(map.file)}\`.`]
  const rows: string[] = []
  let size = [...head, ...foot].join('\n').length
  let cut = 0
  for (const c of failingFirst(result.controls)) {
    const row = `| ${c.key ? '🔑 ' : ''}**${escapeCell(c.id)}** ${escapeCell(c.title)} | ${ICON[c.status]} ${statusLabel(c.status)} | ${testsCell(c)} | ${mainReasons(c).map(escapeCell).join('<br>')} |`
    if (size + row.length + 1 > limit - 200) {
      cut++
      continue
    }
    size += row.length + 1
    rows.push(row)
  }
  if (cut > 0) rows.push(`| … | | | ${cut} more controls not shown here: see the evidence bundle |`)
  return [...head, ...rows, ...foot].join('\n') + '\n'
}

/** Failing controls first, so a long table still opens on what blocks the change. */
function failingFirst(controls: readonly ControlResult[]): ControlResult[] {
  const order = { fail: 0, waived: 1, pass: 2 }
  return [...controls].sort((a, b) => order[a.status] - order[b.status])
}

export function escapeCell(s: string): string {
  return s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ')
}
