import { emitCase } from '../case-frame.js'
import { firstLine } from '../xml.js'
import { arr, durationMs, num, obj, str, streamJson } from '../json.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'

/**
 * Mocha's `json` reporter. Each test is in exactly one of `passes`, `failures`, `pending` (which
 * says its status); `tests` repeats them and is not read. A failing hook is in `failures` too
 * and counts as a failed test — and is a crash of the report (SPEC §12): the tests it guards never
 * ran, so they are in no list. The suite is the full title without the test's own title.
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
      if (status === 'failed' && HOOK.test(title)) recordCrash(stats, `${title} failed: ${firstLine(str(obj(t.err).message)) ?? 'no message'}`, line)
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
      // Walked with a stack of its own, not by recursion: nesting as deep as the input cannot overflow.
      const pending: { suite: Record<string, unknown>; titles: string; file: string | undefined }[] = [{ suite: obj(value), titles: '', file: undefined }]
      while (pending.length > 0) {
        const { suite, titles, file } = pending.pop() as (typeof pending)[number]
        const title = str(suite.title) ?? ''
        const suiteName = titles && title ? `${titles} › ${title}` : titles || title
        const suiteFile = str(suite.file) || file
        for (const t of arr(suite.tests).map(obj)) {
          const state = str(t.state)
          // Two outcome fields: a failed state beats a skipped/pending flag.
          const known = state === undefined || state === 'passed' || state === 'failed' || state === 'pending'
          const flagged = t.skipped === true || t.pending === true || state === 'pending'
          const status: TestStatus = !known ? 'error' : state === 'failed' ? 'failed' : flagged ? 'skipped' : state === 'passed' ? 'passed' : 'error'
          if (status === 'failed' && (t.isHook === true || HOOK.test(str(t.title) ?? ''))) recordCrash(stats, `${str(t.title) ?? 'a hook'} failed: ${firstLine(str(obj(t.err).message)) ?? 'no message'}`, line)
          emitCase(reportPath, stats, sink, { line, suite: suiteName, classname: '', name: str(t.title) ?? '', file: suiteFile, status, duration: durationMs(t.duration), message: str(obj(t.err).message) })
        }
        const children = arr(suite.suites).map(obj)
        for (let i = children.length - 1; i >= 0; i--) pending.push({ suite: children[i] as Record<string, unknown>, titles: suiteName, file: suiteFile })
      }
    })
    return stats
  }
}

/** Mocha's title for a hook: `"before all" hook for "posts"`, `"after each" hook: cleanup`. */
const HOOK = /^"(before|after) (all|each)" hook/

function suiteOf(fullTitle: string, title: string): string {
  return fullTitle.endsWith(title) ? fullTitle.slice(0, fullTitle.length - title.length).trim() : ''
}
