import { emitCase } from '../case-frame.js'
import { arr, durationMs, num, obj, str, streamJson } from '../json.js'
import { emptyStats, type ReportReader, type TestStatus } from '../model.js'

/**
 * Mocha's `json` reporter. Each test is in exactly one of `passes`, `failures`, `pending` (which
 * says its status); `tests` repeats them and is not read. A failing hook is in `failures` too
 * and counts as a failed test. The suite is the full title without the test's own title.
 */
export const mochaReader: ReportReader = {
  format: 'mocha',
  sniff: (head) => /^\s*\{\s*"stats"\s*:/.test(head) && /"passes"|"pending"|"tests"\s*:\s*\[/.test(head) && !/"passPercent"|"results"\s*:\s*\[/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('mocha')
    const STATUS: Record<string, TestStatus> = { passes: 'passed', failures: 'failed', pending: 'skipped' }
    await streamJson(chunks, reportPath, 'Mocha', ['$.passes.*', '$.failures.*', '$.pending.*'], (value, keys, line) => {
      const t = obj(value)
      const status = STATUS[String(keys[1])] ?? 'error'
      const title = str(t.title) ?? ''
      const retries = num(t.currentRetry) ?? 0
      emitCase(reportPath, stats, sink, {
        line,
        suite: suiteOf(str(t.fullTitle) ?? title, title),
        classname: '',
        name: title,
        file: str(t.file),
        status,
        duration: durationMs(t.duration),
        attempts: retries > 0 && status === 'passed' ? [...Array<TestStatus>(retries).fill('failed'), 'passed'] : [status],
        message: str(obj(t.err).message)
      })
    })
    return stats
  }
}

/**
 * Mochawesome (`results[]` of nested suites). Tests carry their own `state`; the suite is the
 * chain of suite titles.
 */
export const mochawesomeReader: ReportReader = {
  format: 'mochawesome',
  sniff: (head) => /^\s*\{\s*"stats"\s*:/.test(head) && /"passPercent"|"results"\s*:\s*\[/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('mochawesome')
    await streamJson(chunks, reportPath, 'mochawesome', ['$.results.*'], (value, _keys, line) => {
      const walk = (suite: Record<string, unknown>, titles: string[], file: string | undefined): void => {
        const here = [...titles, str(suite.title) ?? ''].filter(Boolean)
        const suiteFile = str(suite.file) || file
        for (const t of arr(suite.tests).map(obj)) {
          const state = str(t.state)
          const status: TestStatus = t.skipped === true || t.pending === true || state === 'pending' ? 'skipped' : state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'error'
          emitCase(reportPath, stats, sink, { line, suite: here.join(' › '), classname: '', name: str(t.title) ?? '', file: suiteFile, status, duration: durationMs(t.duration), message: str(obj(t.err).message) })
        }
        for (const child of arr(suite.suites).map(obj)) walk(child, here, suiteFile)
      }
      walk(obj(value), [], undefined)
    })
    return stats
  }
}

function suiteOf(fullTitle: string, title: string): string {
  return fullTitle.endsWith(title) ? fullTitle.slice(0, fullTitle.length - title.length).trim() : ''
}
