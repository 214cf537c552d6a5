import { emitCase } from '../case-frame.js'
import { arr, durationMs, num, obj, str, streamJson } from '../json.js'
import { emptyStats, type ReportReader, type TestStatus } from '../model.js'

const STATUS: Record<string, TestStatus> = { passed: 'passed', failed: 'failed', skipped: 'skipped', pending: 'skipped' }

/**
 * CTRF JSON (`results.tests[]`), legacy and 1.x. `suite` (string, or array of names) is the suite,
 * `filePath`/`line` the source, `tags` are tags; status `other` is an error (it proves nothing).
 * Attempts come from `retryAttempts[]`, else from `retries` and `flaky`.
 */
export const ctrfReader: ReportReader = {
  format: 'ctrf',
  sniff: (head) => /^\s*\{/.test(head) && (/"reportFormat"\s*:\s*"CTRF"/.test(head) || /"results"\s*:\s*\{\s*"tool"\s*:/.test(head)),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('ctrf')
    await streamJson(chunks, reportPath, 'CTRF', ['$.results.tests.*'], (value, _keys, line) => {
      const t = obj(value)
      const status = STATUS[str(t.status) ?? ''] ?? 'error'
      const suite = Array.isArray(t.suite) ? t.suite.map(String).join(' › ') : (str(t.suite) ?? '')
      emitCase(reportPath, stats, sink, {
        line,
        suite,
        classname: '',
        name: str(t.name) ?? '',
        file: str(t.filePath),
        fileLine: num(t.line),
        status,
        duration: durationMs(t.duration),
        tags: arr(t.tags).filter((x): x is string => typeof x === 'string'),
        attempts: attempts(t, status),
        message: str(t.message)
      })
    })
    return stats
  }
}

function attempts(t: Record<string, unknown>, status: TestStatus): TestStatus[] {
  const listed = arr(t.retryAttempts).map((a) => STATUS[str(obj(a).status) ?? ''] ?? 'error')
  if (listed.length > 0) return listed[listed.length - 1] === status ? listed : [...listed, status]
  const retries = num(t.retries) ?? 0
  if (retries > 0 && status === 'passed' && t.flaky === true) return [...Array<TestStatus>(retries).fill('failed'), 'passed']
  if (retries > 0 && (status === 'failed' || status === 'error')) return Array<TestStatus>(retries + 1).fill(status)
  return [status]
}
