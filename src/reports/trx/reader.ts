import { emitCase, TextCapture } from '../case-frame.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'
import { rootElementName, streamXml } from '../xml.js'

/** TRX outcomes; anything else (a run still in progress, an unknown word) is an error. */
const STATUS: Record<string, TestStatus> = {
  Passed: 'passed',
  PassedButRunAborted: 'passed',
  Completed: 'passed',
  Warning: 'passed',
  Failed: 'failed',
  Error: 'error',
  Timeout: 'error',
  Aborted: 'error',
  Disconnected: 'error',
  NotExecuted: 'skipped',
  Inconclusive: 'skipped',
  NotRunnable: 'skipped'
}

/** `ResultSummary` outcomes of a run that ran to its end (failed tests are the tests' business). */
const SUMMARY_COMPLETE = new Set(['Completed', 'Passed', 'Failed', 'Warning'])

interface HeldResult {
  testId: string
  name: string
  outcome: string
  duration?: number
  line: number
  message?: string
  /** A data-driven parent: its inner results are the tests. */
  hasInner: boolean
}

/**
 * Visual Studio TRX (`<TestRun>`). Results come before the test definitions that name their
 * classes, so results are held — compactly, one small record each — until the end. Data-driven
 * tests are their inner results; a test run more than once (retries) is the same test re-run.
 * A run that did not complete (`ResultSummary` outcome Aborted, Timeout, Error…, or a result
 * `PassedButRunAborted`) is a crash of the report (SPEC §12).
 */
export const trxReader: ReportReader = {
  format: 'trx',
  sniff: (head) => rootElementName(head) === 'TestRun',
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('trx')
    const held: HeldResult[] = []
    const classOf = new Map<string, string>()
    await streamXml(chunks, reportPath, new Set(['TestRun']), 'TRX', (stream) => {
      const capture = new TextCapture((on) => stream.listenToText(on))
      const open: HeldResult[] = []
      let definition = ''
      return {
        open(tag, line) {
          const a = tag.attributes
          if (tag.name === 'UnitTestResult') {
            const parent = open[open.length - 1]
            if (parent) parent.hasInner = true
            const r: HeldResult = { testId: a.testId ?? '', name: a.testName ?? '', outcome: a.outcome ?? '', duration: trxDuration(a.duration), line, hasInner: false }
            open.push(r)
            held.push(r)
          } else if (tag.name === 'UnitTest') definition = a.id ?? ''
          else if (tag.name === 'TestMethod' && definition) classOf.set(definition, a.className ?? '')
          else if (tag.name === 'ResultSummary' && !SUMMARY_COMPLETE.has(a.outcome ?? '')) recordCrash(stats, `the test run did not complete: its outcome is "${a.outcome ?? ''}"`, line)
          else if (tag.name === 'Message' && open.length > 0 && open[open.length - 1]?.message === undefined) capture.start()
        },
        close(name) {
          if (name === 'Message' && capture.capturing) {
            const r = open[open.length - 1]
            const text = capture.stop()
            if (r) r.message = text
          } else if (name === 'UnitTestResult') open.pop()
          else if (name === 'UnitTest') definition = ''
        },
        text: (t) => capture.text(t)
      }
    })
    for (const r of held) {
      if (r.outcome === 'PassedButRunAborted') recordCrash(stats, `the test run was aborted (${r.name} passed before it was)`, r.line)
      if (r.hasInner) continue
      const classname = classOf.get(r.testId) ?? ''
      emitCase(reportPath, stats, sink, {
        line: r.line,
        suite: classname,
        classname: '',
        name: classname && r.name.startsWith(`${classname}.`) ? r.name.slice(classname.length + 1) : r.name,
        status: STATUS[r.outcome] ?? 'error',
        duration: r.duration,
        message: r.message
      })
    }
    return stats
  }
}

/** `hh:mm:ss.fffffff` → seconds. */
function trxDuration(value: string | undefined): number | undefined {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value ?? '')
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined
}
