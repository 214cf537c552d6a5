import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { emergencyBanner, headline, mainReasons, statusLabel, testsCell, rangeLines, totalsLine, trustLine } from './words.js'

/** What `sox-gate check` prints for a person. */
export function renderText(map: ControlMap, result: GateResult): string {
  const lines = [`sox-gate ${map.system}: ${headline(result)}`]
  const banner = emergencyBanner(result)
  if (banner) lines.push(`  !!! ${banner}`)
  const idWidth = result.controls.reduce((w, c) => Math.max(w, c.id.length), 0)
  for (const c of result.controls) {
    lines.push(`  ${statusLabel(c.status).padEnd(6)} ${c.id.padEnd(idWidth)}  ${c.title}  [${testsCell(c)}]`)
    if (c.status !== 'pass') for (const r of mainReasons(c)) lines.push(`         - ${r}`)
  }
  lines.push(totalsLine(result))
  const trust = trustLine(result)
  if (trust) lines.push(trust)
  const range = rangeLines(result)
  if (range) lines.push(range.head, ...range.items.map((i) => `  ${i}`))
  for (const r of result.reports) {
    for (const crash of r.crashes) lines.push(`crash: ${r.path}${crash.line ? `:${crash.line}` : ''}: ${crash.what}`)
    for (const note of r.notes) lines.push(`note: ${r.path}: ${note}`)
  }
  return lines.join('\n') + '\n'
}
