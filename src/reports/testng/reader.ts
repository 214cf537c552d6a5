import { emitCase, TextCapture } from '../case-frame.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'
import { rootElementName, seconds, streamXml } from '../xml.js'

const STATUS: Record<string, TestStatus> = { PASS: 'passed', FAIL: 'failed', SKIP: 'skipped' }

/**
 * TestNG `testng-results.xml`: `<test name>` › `<class name>` › `<test-method>`. The TestNG test is
 * the suite and the class the classname. Configuration methods count only when they fail (then
 * as errors, and as a crash of the report, SPEC §12: the tests they guard never ran). A data-provider run's parameters join its name,
 * so runs with different parameters stay different tests; a retried attempt (`retried="true"`)
 * followed by the final one is a re-run.
 */
export const testngReader: ReportReader = {
  format: 'testng',
  sniff: (head) => rootElementName(head) === 'testng-results',
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('testng')
    await streamXml(chunks, reportPath, new Set(['testng-results']), 'TestNG', (stream) => {
      const capture = new TextCapture((on) => stream.listenToText(on))
      let test = ''
      let cls = ''
      let m: { attrs: Record<string, string>; line: number; params: string[]; message?: string } | null = null
      let capturing: 'message' | 'value' | null = null
      return {
        open(tag, line) {
          const a = tag.attributes
          if (tag.name === 'test') test = a.name ?? ''
          else if (tag.name === 'class') cls = a.name ?? ''
          else if (tag.name === 'test-method') m = { attrs: a, line, params: [] }
          else if (m && (tag.name === 'message' || tag.name === 'value') && !capture.capturing) {
            capturing = tag.name
            capture.start()
          }
        },
        close(name) {
          if (capture.capturing && name === capturing) {
            const text = capture.stop().trim()
            if (m && capturing === 'message' && m.message === undefined) m.message = text
            if (m && capturing === 'value') m.params.push(text)
            capturing = null
          } else if (name === 'test-method' && m) {
            const a = m.attrs
            const status = STATUS[a.status ?? ''] ?? 'error'
            const config = a['is-config'] === 'true'
            if (!config || status === 'failed') {
              const base = a.name ?? ''
              if (config) recordCrash(stats, `configuration method ${cls ? `${cls}.` : ''}${base} failed${m.message ? `: ${m.message.split('\n', 1)[0] as string}` : ''}`, m.line)
              emitCase(reportPath, stats, sink, {
                line: m.line,
                suite: test,
                classname: cls,
                name: config ? `(configuration) ${base}` : m.params.length ? `${base}(${m.params.join(', ')})` : base,
                status: config ? 'error' : status,
                duration: seconds(a['duration-ms'], 1 / 1000),
                message: m.message
              })
            }
            m = null
          }
        },
        text: (t) => capture.text(t)
      }
    })
    return stats
  }
}
