import { emitCase } from '../case-frame.js'
import { lines } from '../lines.js'
import { emptyStats, type ReportReader, type TestStatus } from '../model.js'

const POINT = /^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*(?:#\s*(skip|todo)\S*\s*(.*))?$/i
const PLAN = /^1\.\.(\d+)/

/**
 * TAP 12/13/14, subtests included. Every test point (`ok` / `not ok`, at any depth) is a test;
 * the enclosing subtest names are its suite. `# SKIP` and `# TODO` prove nothing, so they count
 * as skipped. What TAP says went wrong without a test point is made one, so it cannot vanish:
 * `Bail out!` is an error; fewer test points than the plan, or no plan at all, is a failure.
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
    let topLevel = 0
    let last: { line: number; name: string; suite: string; status: TestStatus } | undefined
    let lastLine = 0
    let inYaml = false
    let yamlMessage: string | undefined
    const flush = (): void => {
      if (last) emitCase(reportPath, stats, sink, { ...last, classname: '', message: yamlMessage })
      last = undefined
      yamlMessage = undefined
    }
    for await (const { text, line } of lines(chunks)) {
      lastLine = line
      const indent = text.length - text.trimStart().length
      const body = text.trim()
      if (inYaml) {
        if (body === '...') inYaml = false
        else if (yamlMessage === undefined) yamlMessage = /^message:\s*['"]?(.*?)['"]?$/.exec(body)?.[1]
        continue
      }
      if (body === '---' && last) {
        inYaml = true
        continue
      }
      const subtest = /^#\s*Subtest:\s*(.*)$/.exec(body)
      if (subtest) {
        pendingSubtest = subtest[1]
        continue
      }
      if (/^bail out!/i.test(body)) {
        // The harness stops here: nothing after a bail-out counts, and the plan no longer applies.
        flush()
        emitCase(reportPath, stats, sink, { line, suite: stack.map((s) => s.name).join(' › '), classname: '', name: '(bail out)', status: 'error', message: body })
        return stats
      }
      const planMatch = indent === 0 ? PLAN.exec(body) : null
      if (planMatch) plan = Number(planMatch[1])
      const point = POINT.exec(body)
      if (!point) continue
      flush()
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent + 4) stack.pop()
      if (pendingSubtest !== undefined && indent > 0) {
        stack.push({ indent, name: pendingSubtest })
        pendingSubtest = undefined
      }
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent > indent) stack.pop()
      if (indent === 0) topLevel++
      const directive = point[4]?.toLowerCase()
      const status: TestStatus = directive ? 'skipped' : point[1]?.toLowerCase() === 'ok' ? 'passed' : 'failed'
      last = { line, name: point[3] || `test ${point[2] ?? topLevel}`, suite: stack.map((s) => s.name).join(' › '), status }
      if (directive && point[5]) yamlMessage = point[5]
    }
    flush()
    if (plan === undefined) emitCase(reportPath, stats, sink, { line: lastLine, suite: '', classname: '', name: '(plan)', status: 'failed', message: 'the TAP stream has no plan (1..N): it may have stopped early' })
    else if (topLevel < plan) emitCase(reportPath, stats, sink, { line: lastLine, suite: '', classname: '', name: '(plan)', status: 'failed', message: `planned ${plan} tests, ${topLevel} ran` })
    return stats
  }
}
