import { emitCase } from '../case-frame.js'
import { lines } from '../lines.js'
import { num, obj, str } from '../json.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'

/**
 * Dart / Flutter JSON reporter events (`dart test --reporter json`, `flutter test --machine`).
 * A test is decided by its `testDone`; hidden tests (the "loading <file>" pseudo-tests) are
 * passed over unless they failed — then the whole file failed to load, and that is an error.
 * Crashes of the report (SPEC §12): a file that failed to load, an error after a test completed,
 * a `done` event saying the run failed when no test did, and no `done` at all (cut short).
 */
export const dartReader: ReportReader = {
  format: 'dart-json',
  sniff: (head) => /^\s*\{.*"type"\s*:\s*"start"/.test(head) && /"protocolVersion"|"runnerVersion"/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('dart-json')
    const suites = new Map<number, string>()
    const tests = new Map<number, { name: string; suite: number; line: number; fileLine?: number; error?: string }>()
    const finished = new Map<number, string>()
    let done: { success: unknown; line: number } | undefined
    let failing = 0
    for await (const { text, line } of lines(chunks, reportPath)) {
      if (!text.trim().startsWith('{')) continue
      let e: Record<string, unknown>
      try {
        e = obj(JSON.parse(text))
      } catch {
        continue
      }
      switch (str(e.type)) {
        case 'suite': {
          const s = obj(e.suite)
          suites.set(num(s.id) ?? -1, (str(s.path) ?? '').replaceAll('\\', '/'))
          break
        }
        case 'testStart': {
          const t = obj(e.test)
          tests.set(num(t.id) ?? -1, { name: str(t.name) ?? '', suite: num(t.suiteID) ?? -1, line, fileLine: num(t.root_line) ?? num(t.line) })
          break
        }
        case 'error': {
          const id = num(e.testID) ?? -1
          const t = tests.get(id)
          if (t && t.error === undefined) t.error = str(e.error)
          else if (!t && finished.has(id)) recordCrash(stats, `test "${finished.get(id)}" failed after it had completed: ${str(e.error) ?? ''}`, line)
          break
        }
        case 'done':
          done = { success: e.success, line }
          break
        case 'testDone': {
          const id = num(e.testID) ?? -1
          const t = tests.get(id)
          tests.delete(id)
          if (!t) break
          const result = str(e.result)
          // Two outcome fields: a skipped test that failed or errored did not merely skip.
          const ran: TestStatus = result === 'success' ? 'passed' : result === 'failure' ? 'failed' : 'error'
          const status: TestStatus = e.skipped === true && ran === 'passed' ? 'skipped' : ran
          if (finished.size < 100_000) finished.set(id, t.name)
          if (status === 'failed' || status === 'error') failing++
          if (e.hidden === true && status !== 'failed' && status !== 'error') break
          if (e.hidden === true) recordCrash(stats, `${t.name || 'a hidden test'} failed (the test file did not load)`, t.line)
          const file = suites.get(t.suite)
          emitCase(reportPath, stats, sink, { line: t.line, suite: file ?? '', classname: '', name: t.name, file, fileLine: t.fileLine, status, duration: undefined, message: t.error })
          break
        }
      }
    }
    for (const t of tests.values()) {
      const file = suites.get(t.suite)
      emitCase(reportPath, stats, sink, { line: t.line, suite: file ?? '', classname: '', name: t.name, file, status: 'error', message: 'did not finish: the report ends before the test does' })
    }
    if (tests.size > 0) recordCrash(stats, `the report is cut short: ${tests.size} test${tests.size === 1 ? '' : 's'} never finished`)
    else if (!done) recordCrash(stats, 'the report is cut short: no "done" event ends it')
    else if (done.success !== true && failing === 0) recordCrash(stats, `the run did not succeed ("done" success ${String(done.success)}) though no test failed`, done.line)
    return stats
  }
}
