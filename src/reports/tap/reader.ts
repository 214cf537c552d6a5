import { emitCase } from '../case-frame.js'
import { lines } from '../lines.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'

/** A test point's start: `not ok` always (a failure is never passed over), `ok` only as a word of its own. */
const POINT = /^(not ok\b|ok(?=\s|$))\s*(\d+)?\s*(?:-\s*)?/i
const DIRECTIVE = /#\s*(skip|todo)\S*\s*/i
const PLAN = /^1\.\.(\d+)/
const BAIL_OUT = /^bail out!/i
const SUBTEST = /^#\s*Subtest:\s*(.*)$/

/**
 * TAP 12/13/14, subtests included. Every test point (`ok` / `not ok`, at any depth) is a test;
 * the enclosing subtest names are its suite. `# SKIP` and `# TODO` prove nothing, so they count
 * as skipped. What TAP says went wrong without a test point is made one, so it cannot vanish,
 * and is a crash of the whole report (SPEC §12): `Bail out!` (an error), a plan not met or no
 * plan at all (a failure). A YAML block (`---` after a test point) ends at its `...`; one that
 * never closes ends at the next line indented less than its `---`, or at the next test point,
 * plan or bail-out at no deeper indent — and is a crash too, since the stream is malformed.
 */
export const tapReader: ReportReader = {
  format: 'tap',
  sniff(head) {
    const first = head.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'))
    return first !== undefined && (/^TAP version \d+/i.test(first) || /^(not )?ok\b/.test(first) || PLAN.test(first))
  },
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('tap')
    const stack: { indent: number; name: string }[] = []
    let pendingSubtest: string | undefined
    let plan: number | undefined
    let planLine = 0
    let topLevel = 0
    let last: { line: number; name: string; suite: string; status: TestStatus } | undefined
    let lastLine = 0
    /** The open YAML block: where it began and how far its `---` is indented. */
    let yaml: { line: number; indent: number } | undefined
    let yamlMessage: string | undefined
    let lastIndent = 0
    const flush = (): void => {
      if (last) emitCase(reportPath, stats, sink, { ...last, classname: '', message: yamlMessage })
      last = undefined
      yamlMessage = undefined
    }
    for await (const { text, line } of lines(chunks, reportPath)) {
      lastLine = line
      const indent = text.length - text.trimStart().length
      const body = text.trim()
      if (yaml) {
        if (body === '...') {
          yaml = undefined
          continue
        }
        const ends = body !== '' && (indent < yaml.indent || (indent <= yaml.indent && (POINT.test(body) || PLAN.test(body) || BAIL_OUT.test(body) || SUBTEST.test(body))))
        if (!ends) {
          if (yamlMessage === undefined) yamlMessage = /^message:\s*['"]?(.*?)['"]?$/.exec(body)?.[1]
          continue
        }
        recordCrash(stats, `the YAML block opened at line ${yaml.line} never closes (no "...")`, yaml.line)
        yaml = undefined
      }
      if (body === '---' && last && indent >= lastIndent) {
        yaml = { line, indent }
        continue
      }
      const subtest = SUBTEST.exec(body)
      if (subtest) {
        pendingSubtest = subtest[1]
        continue
      }
      if (BAIL_OUT.test(body)) {
        // The harness stops here: nothing after a bail-out counts, and the plan no longer applies.
        flush()
        recordCrash(stats, `TAP ${body.replace(/^\s*bail out!\s*/i, 'Bail out! ')}`.trim(), line)
        emitCase(reportPath, stats, sink, { line, suite: stack.map((s) => s.name).join(' › '), classname: '', name: '(bail out)', status: 'error', message: body })
        return stats
      }
      const planMatch = indent === 0 ? PLAN.exec(body) : null
      if (planMatch) {
        plan = Number(planMatch[1])
        planLine = line
      }
      const point = parsePoint(body)
      if (!point) continue
      flush()
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent + 4) stack.pop()
      if (pendingSubtest !== undefined && indent > 0) {
        stack.push({ indent, name: pendingSubtest })
        pendingSubtest = undefined
      }
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent > indent) stack.pop()
      if (indent === 0) topLevel++
      lastIndent = indent
      const status: TestStatus = point.directive ? 'skipped' : point.ok ? 'passed' : 'failed'
      last = { line, name: point.description || `test ${point.number ?? topLevel}`, suite: stack.map((s) => s.name).join(' › '), status }
      if (point.directive && point.reason) yamlMessage = point.reason
    }
    flush()
    if (yaml) recordCrash(stats, `the YAML block opened at line ${yaml.line} never closes (no "...")`, yaml.line)
    if (plan === undefined) {
      emitCase(reportPath, stats, sink, { line: lastLine, suite: '', classname: '', name: '(plan)', status: 'failed', message: 'the TAP stream has no plan (1..N): it may have stopped early' })
      recordCrash(stats, 'the TAP stream has no plan (1..N): it may have stopped early', lastLine)
    } else if (topLevel !== plan) {
      const what = `planned ${plan} test${plan === 1 ? '' : 's'}, ${topLevel} ran`
      emitCase(reportPath, stats, sink, { line: lastLine, suite: '', classname: '', name: '(plan)', status: 'failed', message: what })
      recordCrash(stats, `the TAP plan is not met: ${what}`, planLine)
    }
    return stats
  }
}

/**
 * `ok 3 - description # SKIP reason`, read in linear time whatever the line (no pattern that
 * backtracks over the description): the directive is the first `#` followed by SKIP or TODO.
 */
function parsePoint(body: string): { ok: boolean; number?: string; description: string; directive?: string; reason?: string } | undefined {
  const head = POINT.exec(body)
  if (!head) return undefined
  const rest = body.slice(head[0].length)
  const directive = DIRECTIVE.exec(rest)
  const ok = (head[1] as string).toLowerCase() === 'ok'
  if (!directive) return { ok, number: head[2], description: rest.trim() }
  return { ok, number: head[2], description: rest.slice(0, directive.index).trim(), directive: (directive[1] as string).toLowerCase(), reason: rest.slice(directive.index + directive[0].length).trim() }
}
