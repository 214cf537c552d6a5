import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { integrityFailed } from '../engine/judge.js'
import { allFailures, FULL_LIST, kindWords, type FailureRow } from './failures.js'
import { identityLine, type CheckIdentity } from './check-identity.js'
import { renderMarkdown } from './markdown.js'
import { mdText } from './md-escape.js'
import { headline, mainReasons } from './words.js'

/** GitHub's limits for a check run's output (characters) and our cap on failing-test annotations per run. */
export const CHECK_TEXT_LIMIT = 65_535
export const TEST_ANNOTATION_LIMIT = 1_000
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
  /**
   * The summary again, for the App GitHub says the check run belongs to, when that is not the
   * identity the summary assumed (a GitHub App's token given as github-token): SPEC §13's line.
   */
  summaryAs?: { assumed: string; render: (app: string) => string }
}

/**
 * What the check run says: the decision as conclusion (neutral for a block in report-only mode,
 * so a rollout does not block merges), the job summary's table, every reason in the text, and
 * annotations on failing controls (their control-map line) and failing tests (their source file
 * and line where the report gives them, else the report and the test's line in it).
 */
export function renderCheckRun(map: ControlMap, result: GateResult, options: { mode: 'enforce' | 'report-only'; workspace: string; evidenceNote: string; identity?: CheckIdentity }): CheckRunContent {
  // SOX-GATE-INTEGRITY failing fails the check whatever the mode: the mode may come from the change.
  const conclusion = result.decision === 'allow' ? 'success' : options.mode === 'report-only' && !integrityFailed(result) ? 'neutral' : 'failure'
  const title = (options.mode === 'report-only' && result.decision === 'block' ? `${headline(result)} (report-only)` : headline(result)).slice(0, 255)
  // Who posted it comes first, where an admin reading the required check sees it (SPEC §13).
  const summaryAs = (id: CheckIdentity | undefined): string => {
    const line = id ? identityLine(id) + '\n\n' : ''
    return line + renderMarkdown(map, result, CHECK_TEXT_LIMIT - options.evidenceNote.length - 2 - line.length) + '\n' + options.evidenceNote
  }
  const summary = summaryAs(options.identity)
  const annotations: CheckAnnotation[] = []
  const details: string[] = []
  for (const c of result.controls) {
    // A reason quotes test names and messages: rendered as text, never as Markdown (md-escape.ts).
    details.push(`### ${mdText(c.id)} — ${c.status.toUpperCase()}`, ...c.reasons.map((r) => `- ${r.effect === 'fail' ? '❌' : r.effect === 'pass' ? '✅' : 'ℹ️'} ${mdText(r.message)}`), '')
    if (c.status !== 'fail') continue
    annotations.push({
      path: map.file,
      start_line: c.line,
      end_line: c.line,
      annotation_level: 'failure',
      title: `SOX control ${c.id} failed`,
      message: clip(mainReasons(c).join('\n'), MESSAGE_LIMIT)
    })
  }
  // One annotation per failing test (not per control it fails), naming every failing control it belongs to.
  const tests = testAnnotations(result, options.workspace, map.file)
  annotations.push(...tests.shown)
  let text = details.join('\n')
  if (tests.more > 0) {
    const note = `${tests.total} failing tests: ${TEST_ANNOTATION_LIMIT} are annotated, ${tests.more} more are not (GitHub shows only so many): ${FULL_LIST} lists every one, with its message and place.`
    annotations.push({ path: map.file, start_line: 1, end_line: 1, annotation_level: 'notice', title: `${tests.more} more failing tests are not annotated`, message: note })
    text = `${note}\n\n${text}`
  }
  const id = options.identity
  return {
    conclusion,
    title,
    summary,
    text: clip(text, CHECK_TEXT_LIMIT - 200, '\n\n… cut to fit GitHub\'s limit: the evidence bundle has every reason.'),
    annotations,
    ...(id ? { summaryAs: { assumed: id.app ?? 'github-actions', render: (app: string) => summaryAs({ ...id, app }) } } : {})
  }
}

/**
 * The failing tests of failing controls (waived ones do not fail the check), one annotation per
 * test, the first TEST_ANNOTATION_LIMIT of them; `more` counts the rest. The cap changes what is
 * shown, never the decision, which is made before anything is rendered.
 */
function testAnnotations(result: GateResult, workspace: string, mapFile: string): { shown: CheckAnnotation[]; total: number; more: number } {
  const failing = new Set(result.controls.filter((c) => c.status === 'fail').map((c) => c.id))
  const byTest = new Map<string, { row: FailureRow; controls: string[] }>()
  for (const row of allFailures(result)) {
    if (!failing.has(row.control)) continue
    // A test is one annotation however many controls it fails; crashes of one report at one line are one too.
    const key = `${row.test.name}\u0000${row.test.report}\u0000${row.kind === 'crash' ? row.test.line : ''}`
    const seen = byTest.get(key)
    if (seen) {
      if (!seen.controls.includes(row.control)) seen.controls.push(row.control)
    } else byTest.set(key, { row, controls: [row.control] })
  }
  const shown: CheckAnnotation[] = []
  for (const { row, controls } of byTest.values()) {
    if (shown.length === TEST_ANNOTATION_LIMIT) break
    shown.push(testAnnotation(row, controls, workspace, mapFile))
  }
  return { shown, total: byTest.size, more: byTest.size - shown.length }
}

function testAnnotation(row: FailureRow, controls: readonly string[], workspace: string, mapFile: string): CheckAnnotation {
  const t = row.test
  const source = t.file ? repoRelative(t.file, workspace) : undefined
  // GitHub refuses a whole request over one annotation whose line is not a positive integer (a JSON report may say 0 or 1.5).
  const lineOr1 = (n: number | undefined): number => (n !== undefined && Number.isSafeInteger(n) && n >= 1 ? n : 1)
  const [path, line] = source ? [source, lineOr1(t.fileLine)] : [t.report || mapFile, lineOr1(t.line)]
  const what = row.kind === 'flaky' ? 'Test flaky' : row.kind === 'crash' ? 'Report crashed' : 'Test failed'
  return {
    path,
    start_line: line,
    end_line: line,
    annotation_level: 'failure',
    title: `${what} (control ${controls.join(', ')}): ${t.name}`.slice(0, 255),
    message: clip(t.message ?? kindWords(row.kind), MESSAGE_LIMIT)
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
