import { emptyStats, type ReportReader, type TestProperty, type TestStatus } from '../model.js'
import { emitCase, TextCapture } from '../case-frame.js'
import { rootElementName, seconds, streamXml } from '../xml.js'

/**
 * NUnit 3 (`<test-run>`) and NUnit 2 (`<test-results>`): nested `<test-suite>`s holding
 * `<test-case>`s. A case's suite is its innermost test-suite; `Category` properties and NUnit 2
 * `<category>`s are tags.
 */
function nunitReader(version: 2 | 3): ReportReader {
  // Some NUnit 3 writers leave out the <test-run> wrapper and start at the assembly's <test-suite>.
  const roots = new Set(version === 3 ? ['test-run', 'test-suite'] : ['test-results'])
  const format = `nunit${version}`
  return {
    format,
    sniff: (head) => {
      const root = rootElementName(head)
      return root !== undefined && roots.has(root) && (root !== 'test-suite' || /<test-suite\b[^>]*\btype="Assembly"/.test(head))
    },
    async read(chunks, reportPath, sink) {
      const stats = emptyStats(format)
      await streamXml(chunks, reportPath, roots, `NUnit ${version}`, (stream) => {
        const capture = new TextCapture((on) => stream.listenToText(on))
        const suites: { name: string; tags: string[] }[] = []
        let tc: { attrs: Record<string, string>; line: number; properties: TestProperty[]; tags: string[]; message?: string } | null = null
        let inMessage = false
        return {
          open(tag, line) {
            const a = tag.attributes
            if (tag.name === 'test-suite') suites.push({ name: a.name ?? '', tags: [...(suites[suites.length - 1]?.tags ?? [])] })
            else if (tag.name === 'test-case') tc = { attrs: a, line, properties: [], tags: [] }
            else if (tag.name === 'property' && a.name !== undefined) {
              const prop = { name: a.name, value: a.value ?? '' }
              if (tc) tc.properties.push(prop)
              else if (/^category$/i.test(prop.name)) suites[suites.length - 1]?.tags.push(prop.value)
              if (tc && /^category$/i.test(prop.name)) tc.tags.push(prop.value)
            } else if (tag.name === 'category' && a.name !== undefined) {
              if (tc) tc.tags.push(a.name)
              else suites[suites.length - 1]?.tags.push(a.name)
            } else if (tag.name === 'message' && tc && tc.message === undefined) {
              inMessage = true
              capture.start()
            }
          },
          close(name) {
            if (name === 'message' && inMessage) {
              inMessage = false
              if (tc) tc.message = capture.stop()
            } else if (name === 'test-suite') suites.pop()
            else if (name === 'test-case' && tc) {
              const a = tc.attrs
              const suite = suites[suites.length - 1]
              const [classname, method] = version === 3 ? [a.classname ?? '', a.name ?? ''] : splitFullName(a.name ?? '')
              emitCase(reportPath, stats, sink, {
                line: tc.line,
                suite: suite?.name ?? '',
                classname,
                name: method,
                status: version === 3 ? nunit3Status(a) : nunit2Status(a),
                duration: seconds(version === 3 ? a.duration : a.time),
                properties: tc.properties,
                tags: [...(suite?.tags ?? []), ...tc.tags],
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
}

export const nunit3Reader = nunitReader(3)
export const nunit2Reader = nunitReader(2)

/** NUnit 3 `result` (+ `label`): Failed/Error is an error; Inconclusive proves nothing, so it counts as skipped. */
function nunit3Status(a: Record<string, string>): TestStatus {
  switch (a.result) {
    case 'Passed':
    case 'Warning':
      return 'passed'
    case 'Failed':
      return a.label === 'Error' || a.label === 'Invalid' || a.label === 'Cancelled' ? 'error' : 'failed'
    case 'Skipped':
    case 'Inconclusive':
      return 'skipped'
    default:
      return 'error'
  }
}

/** NUnit 2 `result`, or for old files `executed` + `success`. */
function nunit2Status(a: Record<string, string>): TestStatus {
  switch (a.result) {
    case 'Success':
      return 'passed'
    case 'Failure':
      return 'failed'
    case 'Error':
    case 'Cancelled':
      return 'error'
    case 'Ignored':
    case 'Skipped':
    case 'NotRunnable':
    case 'Inconclusive':
      return 'skipped'
  }
  // Old writers spell the booleans 'True' or 'true'.
  if (a.executed?.toLowerCase() === 'false') return 'skipped'
  return a.success?.toLowerCase() === 'true' ? 'passed' : 'failed'
}

/** `Ns.Class.Method(1.5, "a.b")` → [`Ns.Class`, `Method(1.5, "a.b")`]: the last dot before any argument list. */
function splitFullName(full: string): [string, string] {
  const paren = full.indexOf('(')
  const head = paren >= 0 ? full.slice(0, paren) : full
  const dot = head.lastIndexOf('.')
  return dot < 0 ? ['', full] : [full.slice(0, dot), full.slice(dot + 1)]
}
