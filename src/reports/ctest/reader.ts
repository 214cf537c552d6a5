import { emitCase, TextCapture } from '../case-frame.js'
import { emptyStats, type ReportReader, type TestStatus } from '../model.js'
import { rootElementName, seconds, streamXml } from '../xml.js'

/**
 * CTest's dashboard `Test.xml` (`ctest -T Test`): `<Site>` › `<Testing>` › `<Test Status>`. A test
 * CTest did not run counts as an error (CTest itself lists it among the failures), unless its
 * completion status says it was disabled.
 */
export const ctestReader: ReportReader = {
  format: 'ctest',
  sniff: (head) => rootElementName(head) === 'Site' && /<Testing\b|BuildStamp=/.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('ctest')
    await streamXml(chunks, reportPath, new Set(['Site']), 'CTest', (stream) => {
      const capture = new TextCapture((on) => stream.listenToText(on))
      let test: { status: string; line: number; fields: Record<string, string>; measurement?: string } | null = null
      let field: string | null = null
      return {
        open(tag, line) {
          const a = tag.attributes
          if (tag.name === 'Test' && a.Status !== undefined) test = { status: a.Status, line, fields: {} }
          else if (test && (tag.name === 'Name' || tag.name === 'Path' || tag.name === 'FullName')) {
            field = tag.name
            capture.start()
          } else if (test && tag.name === 'NamedMeasurement') test.measurement = a.name
          else if (test && tag.name === 'Value' && test.measurement) {
            field = `measure:${test.measurement}`
            capture.start()
          }
        },
        close(name) {
          if (capture.capturing && (name === field || (name === 'Value' && field?.startsWith('measure:')))) {
            if (test && field) test.fields[field] = capture.stop().trim()
            else capture.stop()
            field = null
          } else if (name === 'NamedMeasurement' && test) test.measurement = undefined
          else if (name === 'Test' && test) {
            const f = test.fields
            const completion = f['measure:Completion Status'] ?? ''
            const status: TestStatus = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : /disabled/i.test(completion) ? 'skipped' : 'error'
            emitCase(reportPath, stats, sink, {
              line: test.line,
              suite: f.Path ?? '',
              classname: '',
              name: f.Name ?? f.FullName ?? '',
              status,
              duration: seconds(f['measure:Execution Time']),
              message: status === 'passed' ? undefined : [f['measure:Exit Code'], completion].filter(Boolean).join(': ') || undefined
            })
            test = null
          }
        },
        text: (t) => capture.text(t)
      }
    })
    return stats
  }
}
