import { emitCase, TextCapture } from '../case-frame.js'
import { emptyStats, recordCrash, type ReportReader, type TestProperty, type TestStatus } from '../model.js'
import { rootElementName, seconds, streamXml } from '../xml.js'

const ROOTS = new Set(['assemblies', 'assembly'])
const STATUS: Record<string, TestStatus> = { Pass: 'passed', Fail: 'failed', Skip: 'skipped', NotRun: 'skipped' }

/**
 * xUnit.net v2 and v3 XML: `<assembly>` › `<collection>` › `<test type method result>`. The
 * collection is the suite, the test's class (`type`) its classname; traits are properties
 * (a `control` or `Category` trait tags the test). An `<errors>` entry (a failing fixture or
 * collection setup or cleanup, a fatal error) is a crash of the report (SPEC §12).
 */
export const xunitNetReader: ReportReader = {
  format: 'xunit-net',
  sniff(head) {
    const root = rootElementName(head)
    return root !== undefined && ROOTS.has(root) && /<assembl(y|ies)\b[^>]*>/.test(head) && !/<testsuite/.test(head)
  },
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('xunit-net')
    await streamXml(chunks, reportPath, ROOTS, 'xUnit.net', (stream) => {
      const capture = new TextCapture((on) => stream.listenToText(on))
      let collection = ''
      let assembly = ''
      let tc: { attrs: Record<string, string>; line: number; properties: TestProperty[]; tags: string[]; message?: string } | null = null
      let inErrors = false
      let runError: { attrs: Record<string, string>; line: number; message?: string } | null = null
      return {
        open(tag, line) {
          const a = tag.attributes
          if (tag.name === 'assembly') assembly = (a.name ?? '').split(/[\\/]/).pop() ?? ''
          else if (tag.name === 'collection') collection = a.name ?? ''
          else if (tag.name === 'test') tc = { attrs: a, line, properties: [], tags: [] }
          else if (tag.name === 'errors') inErrors = true
          else if (tag.name === 'error' && inErrors) runError = { attrs: a, line }
          else if (tag.name === 'message' && runError && runError.message === undefined) capture.start()
          else if (tag.name === 'trait' && tc && a.name !== undefined) {
            tc.properties.push({ name: a.name, value: a.value ?? '' })
            if (/^category$/i.test(a.name)) tc.tags.push(a.value ?? '')
          } else if ((tag.name === 'message' || tag.name === 'reason') && tc && tc.message === undefined) capture.start()
        },
        close(name) {
          if ((name === 'message' || name === 'reason') && capture.capturing) {
            const text = capture.stop()
            if (tc) tc.message = text
            else if (runError) runError.message = text
          } else if (name === 'errors') inErrors = false
          else if (name === 'error' && runError) {
            const a = runError.attrs
            const what = [a.type, a.name].filter(Boolean).join(' ')
            recordCrash(stats, `${what || 'an error'} outside any test${runError.message?.trim() ? `: ${runError.message.trim().split('\n', 1)[0] as string}` : ''}`, runError.line)
            runError = null
          } else if (name === 'collection') collection = ''
          else if (name === 'test' && tc) {
            const a = tc.attrs
            emitCase(reportPath, stats, sink, {
              line: tc.line,
              suite: collection || assembly,
              classname: a.type ?? '',
              name: a.name ?? a.method ?? '',
              status: STATUS[a.result ?? ''] ?? 'error',
              duration: seconds(a.time),
              properties: tc.properties,
              tags: tc.tags,
              message: tc.message
            })
            tc = null
          }
        },
        text: (t) => capture.text(t)
      }
    })
    return stats
  }
}
