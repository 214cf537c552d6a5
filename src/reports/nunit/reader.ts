import { emptyStats, recordCrash, type ReportReader, type TestProperty, type TestStatus } from '../model.js'
import { emitCase, TextCapture } from '../case-frame.js'
import { rootElementName, seconds, streamXml } from '../xml.js'

/**
 * NUnit 3 (`<test-run>`) and NUnit 2 (`<test-results>`): nested `<test-suite>`s holding
 * `<test-case>`s. A case's suite is its innermost test-suite; `Category` properties and NUnit 2
 * `<category>`s are tags. A suite that failed in its (OneTime)SetUp or TearDown, or failed while
 * none of its tests did, is a crash of the report (SPEC §12).
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
        const suites: { name: string; tags: string[]; attrs: Record<string, string>; line: number; failing: number; message?: string }[] = []
        let tc: { attrs: Record<string, string>; line: number; properties: TestProperty[]; tags: string[]; message?: string } | null = null
        let inMessage = false
        return {
          open(tag, line) {
            const a = tag.attributes
            if (tag.name === 'test-suite') suites.push({ name: a.name ?? '', tags: [...(suites[suites.length - 1]?.tags ?? [])], attrs: a, line, failing: 0 })
            else if (tag.name === 'test-case') tc = { attrs: a, line, properties: [], tags: [] }
            else if (tag.name === 'property' && a.name !== undefined) {
              const prop = { name: a.name, value: a.value ?? '' }
              if (tc) tc.properties.push(prop)
              else if (/^category$/i.test(prop.name)) suites[suites.length - 1]?.tags.push(prop.value)
              if (tc && /^category$/i.test(prop.name)) tc.tags.push(prop.value)
            } else if (tag.name === 'category' && a.name !== undefined) {
              if (tc) tc.tags.push(a.name)
              else suites[suites.length - 1]?.tags.push(a.name)
            } else if (tag.name === 'message' && (tc ? tc.message === undefined : suites[suites.length - 1]?.message === undefined)) {
              inMessage = true
              capture.start()
            }
          },
          close(name) {
            if (name === 'message' && inMessage) {
              inMessage = false
              const text = capture.stop()
              const suite = suites[suites.length - 1]
              if (tc) tc.message = text
              else if (suite) suite.message = text
            } else if (name === 'test-suite') {
              const suite = suites.pop()
              if (!suite) return
              const crash = version === 3 ? nunit3SuiteCrash(suite.attrs, suite.failing) : nunit2SuiteCrash(suite.attrs, suite.failing)
              if (crash) recordCrash(stats, `suite "${suite.name}" ${crash}${suite.message?.trim() ? `: ${suite.message.trim().split('\n', 1)[0] as string}` : ''}`, suite.line)
              const parent = suites[suites.length - 1]
              if (parent) parent.failing += suite.failing
            }
            else if (name === 'test-case' && tc) {
              const a = tc.attrs
              const suite = suites[suites.length - 1]
              const [classname, method] = version === 3 ? [a.classname ?? '', a.name ?? ''] : splitFullName(a.name ?? '')
              const status = version === 3 ? nunit3Status(a) : nunit2Status(a)
              if (suite && (status === 'failed' || status === 'error')) suite.failing++
              emitCase(reportPath, stats, sink, {
                line: tc.line,
                suite: suite?.name ?? '',
                classname,
                name: method,
                status,
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

const NUNIT2_RESULT: Record<string, TestStatus> = {
  Success: 'passed',
  Failure: 'failed',
  Error: 'error',
  Cancelled: 'error',
  Ignored: 'skipped',
  Skipped: 'skipped',
  NotRunnable: 'skipped',
  Inconclusive: 'skipped'
}

/**
 * NUnit 2 `result`, and for old files `executed` + `success`: a Success that `success` or
 * `executed` contradicts is a failure, and a `result` word NUnit 2 does not write is an error.
 */
function nunit2Status(a: Record<string, string>): TestStatus {
  // Old writers spell the booleans 'True' or 'true'.
  const legacy: TestStatus | undefined = a.executed?.toLowerCase() === 'false' ? 'skipped' : a.success === undefined ? undefined : a.success.toLowerCase() === 'true' ? 'passed' : 'failed'
  if (a.result === undefined) return legacy ?? 'failed'
  const result = NUNIT2_RESULT[a.result] ?? 'error'
  // NUnit 2 writes success="False" beside Inconclusive and Ignored too: only a Success it contradicts is worse.
  return result === 'passed' && legacy !== undefined && legacy !== 'passed' ? 'failed' : result
}

/** Why an NUnit 3 `<test-suite>` is a crash of the report, or undefined when it is not. */
function nunit3SuiteCrash(a: Record<string, string>, failingTests: number): string | undefined {
  if (a.result !== 'Failed') return undefined
  if (a.site === 'SetUp' || a.site === 'TearDown') return `failed in its ${a.site === 'SetUp' ? 'OneTimeSetUp' : 'OneTimeTearDown'}${a.label ? ` (${a.label})` : ''}`
  return failingTests === 0 ? 'failed though none of its tests did' : undefined
}

/** An NUnit 2 suite that failed while none of its tests did failed in its fixture setup or teardown. */
function nunit2SuiteCrash(a: Record<string, string>, failingTests: number): string | undefined {
  const failed = a.result === 'Failure' || a.result === 'Error' || (a.result === undefined && a.success?.toLowerCase() === 'false')
  return failed && failingTests === 0 ? 'failed though none of its tests did (a fixture setup or teardown)' : undefined
}

/** `Ns.Class.Method(1.5, "a.b")` → [`Ns.Class`, `Method(1.5, "a.b")`]: the last dot before any argument list. */
function splitFullName(full: string): [string, string] {
  const paren = full.indexOf('(')
  const head = paren >= 0 ? full.slice(0, paren) : full
  const dot = head.lastIndexOf('.')
  return dot < 0 ? ['', full] : [full.slice(0, dot), full.slice(dot + 1)]
}
