import { emitCase } from '../case-frame.js'
import { lines } from '../lines.js'
import { num, obj, str } from '../json.js'
import { emptyStats, type ReportReader, type TestStatus } from '../model.js'

/**
 * Dart / Flutter JSON reporter events (`dart test --reporter json`, `flutter test --machine`).
 * A test is decided by its `testDone`; hidden tests (the "loading <file>" pseudo-tests) are
 * passed over unless they failed — then the whole file failed to load, and that is an error.
 */
export const dartReader: ReportReader = {
  format: 'dart-json',
  sniff: (head) => /^\s*\{.*"type"\s*:\s*"start"/.test(head) && /"protocolVersion"|"runnerVersion"/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('dart-json')
    const suites = new Map<number, string>()
    const tests = new Map<number, { name: string; suite: number; line: number; fileLine?: number; error?: string }>()
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
          const t = tests.get(num(e.testID) ?? -1)
          if (t && t.error === undefined) t.error = str(e.error)
          break
        }
        case 'testDone': {
          const id = num(e.testID) ?? -1
          const t = tests.get(id)
          tests.delete(id)
          if (!t) break
          const result = str(e.result)
          const status: TestStatus = e.skipped === true ? 'skipped' : result === 'success' ? 'passed' : result === 'failure' ? 'failed' : 'error'
          if (e.hidden === true && status !== 'failed' && status !== 'error') break
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
    return stats
  }
}
