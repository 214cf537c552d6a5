import { emitCase } from '../case-frame.js'
import { firstLine } from '../xml.js'
import { arr, durationMs, num, obj, str, streamJson } from '../json.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'

/** Jest colours its failure messages; the colour codes are noise in a reason. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

const STATUS: Record<string, TestStatus> = { passed: 'passed', failed: 'failed', pending: 'skipped', todo: 'skipped', skipped: 'skipped', disabled: 'skipped', focused: 'passed' }

/**
 * Jest `--json` (`testResults[].assertionResults[]`): the describe titles are the suite, the test
 * file is the file. A test file that failed to run (no assertions, a failure message) becomes a
 * failing `(suite)` case. `invocations` > 1 on a pass is a flaky test (`jest.retryTimes`).
 * Crashes of the report (SPEC §12): a test file that failed to run, or failed with no failing
 * test (a failing beforeAll/afterAll), and a run that was interrupted.
 */
export const jestReader: ReportReader = {
  format: 'jest',
  sniff: (head) => /^\s*\{/.test(head) && /"numTotalTests"\s*:/.test(head) && /"numFailedTestSuites"|"testResults"/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('jest')
    await streamJson(chunks, reportPath, 'Jest', ['$.testResults.*', '$.wasInterrupted'], (value, keys, line) => {
      if (typeof value === 'boolean') {
        // $.wasInterrupted: the only boolean among the values asked for.
        if (value === true) recordCrash(stats, 'the Jest run was interrupted (wasInterrupted)', line)
        return
      }
      const file = obj(value)
      const path = str(file.name) ?? str(file.testFilePath) ?? ''
      const assertions = arr(file.assertionResults)
      if (assertions.length === 0 && str(file.status) === 'failed') {
        emitCase(reportPath, stats, sink, { line, suite: '', classname: '', name: '(suite)', file: path, status: 'error', message: str(file.message) ?? str(obj(file.testExecError).message) })
        recordCrash(stats, `test file ${path} failed to run: ${firstLine(str(file.message) ?? str(obj(file.testExecError).message))?.replace(ANSI_COLOUR, '') ?? 'no message'}`, line)
        return
      }
      let failed = false
      for (const a of assertions.map(obj)) {
        const status = STATUS[str(a.status) ?? ''] ?? 'error'
        if (status === 'failed' || status === 'error') failed = true
        const invocations = num(a.invocations) ?? 1
        emitCase(reportPath, stats, sink, {
          line,
          suite: arr(a.ancestorTitles).map(String).join(' › '),
          classname: '',
          name: str(a.title) ?? '',
          file: path,
          fileLine: num(obj(a.location).line),
          status,
          duration: durationMs(a.duration),
          attempts: invocations > 1 ? [...Array<TestStatus>(invocations - 1).fill('failed'), status] : [status],
          message: str(arr(a.failureMessages)[0])?.replace(ANSI_COLOUR, '')
        })
      }
      if (!failed && (str(file.status) === 'failed' || file.testExecError !== undefined)) {
        recordCrash(stats, `test file ${path} failed with no failing test (a failing beforeAll/afterAll?): ${firstLine((str(file.message) ?? str(obj(file.testExecError).message))?.replace(ANSI_COLOUR, '')) ?? 'no message'}`, line)
      }
    })
    return stats
  }
}
