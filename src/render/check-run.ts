import type { ControlMap } from '../controls/model.js'
import type { GateResult, TestRef } from '../engine/result.js'
import { integrityFailed } from '../engine/judge.js'
import { renderMarkdown } from './markdown.js'
import { headline, mainReasons } from './words.js'

/** GitHub's limits for a check run's output (characters) and our cap on annotations. */
export const CHECK_TEXT_LIMIT = 65_535
const ANNOTATION_LIMIT = 500
const MESSAGE_LIMIT = 4_000

export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  title: string
  message: string
}

export interface CheckRunContent {
  conclusion: 'success' | 'failure' | 'neutral'
  title: string
  summary: string
  text: string
  annotations: CheckAnnotation[]
}

/**
 * What the check run says: the decision as conclusion (neutral for a block in report-only mode,
 * so a rollout does not block merges), the job summary's table, every reason in the text, and
 * annotations on failing controls (their control-map line) and failing tests (their source file
 * and line where the report gives them, else the report and the test's line in it).
 */
export function renderCheckRun(map: ControlMap, result: GateResult, options: { mode: 'enforce' | 'report-only'; workspace: string; evidenceNote: string }): CheckRunContent {
  // SOX-GATE-INTEGRITY failing fails the check whatever the mode: the mode may come from the change.
  const conclusion = result.decision === 'allow' ? 'success' : options.mode === 'report-only' && !integrityFailed(result) ? 'neutral' : 'failure'
  const title = (options.mode === 'report-only' && result.decision === 'block' ? `${headline(result)} (report-only)` : headline(result)).slice(0, 255)
  const summary = renderMarkdown(map, result, CHECK_TEXT_LIMIT - options.evidenceNote.length - 2) + '\n' + options.evidenceNote
  const annotations: CheckAnnotation[] = []
  const seenTests = new Set<string>()
  const details: string[] = []
  for (const c of result.controls) {
    details.push(`### ${c.id} — ${c.status.toUpperCase()}`, ...c.reasons.map((r) => `- ${r.effect === 'fail' ? '❌' : r.effect === 'pass' ? '✅' : 'ℹ️'} ${r.message}`), '')
    if (c.status !== 'fail') continue
    annotations.push({
      path: map.file,
      start_line: c.line,
      end_line: c.line,
      annotation_level: 'failure',
      title: `SOX control ${c.id} failed`,
      message: clip(mainReasons(c).join('\n'), MESSAGE_LIMIT)
    })
    for (const r of c.reasons) {
      for (const t of r.tests ?? []) {
        if (seenTests.has(t.name)) continue
        seenTests.add(t.name)
        annotations.push(testAnnotation(t, c.id, options.workspace))
      }
    }
  }
  return { conclusion, title, summary, text: clip(details.join('\n'), CHECK_TEXT_LIMIT - 200, '\n\n… cut to fit GitHub\'s limit: the evidence bundle has every reason.'), annotations: annotations.slice(0, ANNOTATION_LIMIT) }
}

function testAnnotation(t: TestRef, controlId: string, workspace: string): CheckAnnotation {
  const source = t.file ? repoRelative(t.file, workspace) : undefined
  const [path, line] = source ? [source, t.fileLine ?? 1] : [t.report, t.line || 1]
  return {
    path,
    start_line: line,
    end_line: line,
    annotation_level: 'failure',
    title: `Test failed (control ${controlId}): ${t.name}`.slice(0, 255),
    message: clip(t.message ?? 'failed', MESSAGE_LIMIT)
  }
}

/** A report's file path as a path inside the repository, or undefined when it is outside. */
function repoRelative(file: string, workspace: string): string | undefined {
  const ws = workspace.replaceAll('\\', '/').replace(/\/+$/, '') + '/'
  if (file.startsWith(ws)) return file.slice(ws.length)
  if (file.startsWith('/') || /^[A-Za-z]:\//.test(file)) return undefined
  return file.replace(/^\.\//, '')
}

function clip(s: string, limit: number, note = '…'): string {
  return s.length <= limit ? s : s.slice(0, limit - note.length) + note
}
