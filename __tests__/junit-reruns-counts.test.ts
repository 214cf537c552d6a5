import { evaluateInline } from './helpers/engine.js'
import { readTextCases } from './helpers/read.js'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 22, item 6, from the attacker's side, with JUnit written by hand: a test case that records
 * re-run failures reads as flaky however it is dressed, and a report whose declared failures
 * outnumber the failing results its cases hold (a failing case cut out) is a crash of the report.
 */

const MAP = (extra = ''): string => `version: 1
system: s
controls:
  - { id: A, title: t, tests: [{ tag: A }]${extra} }
`
const FAIL = ', flaky: fail'
const control = async (report: string, extra = ''): Promise<{ status: string; codes: string[]; messages: string[]; flaky: number }> => {
  const r = await evaluateInline(MAP(extra), [report])
  const c = r.controls[0]
  return { status: c?.status ?? '', codes: c?.reasons.map((x) => x.code) ?? [], messages: c?.reasons.map((x) => x.message) ?? [], flaky: c?.tests.flaky ?? 0 }
}

describe('a case with <rerunFailure>/<rerunError> and no <failure> is flaky, whatever else it has', () => {
  const dressed: [string, string][] = [
    ['nothing else', '<testcase name="a [A]"><rerunFailure message="timeout"/></testcase>'],
    ['a rerunError', '<testcase name="a [A]"><rerunError message="boom"/></testcase>'],
    ['status="passed"', '<testcase name="a [A]" status="passed"><rerunFailure/></testcase>'],
    ['result="completed" and system-out', '<testcase name="a [A]" result="completed"><system-out>ok</system-out><rerunFailure/><rerunFailure/></testcase>'],
    ['a flakyFailure before it', '<testcase name="a [A]"><flakyFailure/><rerunFailure/></testcase>']
  ]
  test.each(dressed)('%s: flaky: fail fails the control, flaky: pass flags it', async (_, testcase) => {
    const report = `<testsuite name="s">${testcase}</testsuite>`
    const strict = await control(report, FAIL)
    expect(strict.status).toBe('fail')
    expect(strict.codes).toContain('tests-flaky')
    const lenient = await control(report)
    expect(lenient.status).toBe('pass')
    expect(lenient.codes).toEqual(['tests-passed', 'tests-flaky-allowed'])
    expect(lenient.flaky).toBe(1)
  })

  test('the re-run\'s message is the one the flaky test is listed with', async () => {
    const { cases } = await readTextCases('<testsuite name="s"><testcase name="a"><rerunFailure message="timeout after 30 s"/></testcase></testsuite>')
    expect(cases[0]).toMatchObject({ status: 'passed', attempts: ['failed', 'passed'], message: 'timeout after 30 s' })
    const r = await evaluateInline(MAP(FAIL), ['<testsuite name="s"><testcase name="a [A]"><rerunFailure message="timeout after 30 s"/></testcase></testsuite>'])
    expect(r.controls[0]?.reasons[0]?.tests).toEqual([{ name: 's › a [A]', report: 'r0.xml', line: 1, message: 'timeout after 30 s' }])
  })

  test('skipped, yet with re-run failures: read as failed (a test that failed was not skipped), even under allow-skipped and flaky: pass', async () => {
    const report = '<testsuite name="s"><testcase name="a [A]"><skipped message="not on linux"/><rerunFailure message="boom"/></testcase><testcase name="b [A]"/></testsuite>'
    const r = await control(report, ', allow-skipped: true')
    expect(r.status).toBe('fail')
    expect(r.messages[0]).toBe('1 of 2 matched tests failed: s › a [A]')
    const { cases } = await readTextCases(report)
    expect(cases[0]).toMatchObject({ status: 'failed', message: 'skipped ("not on linux"), but it records re-run failures ("boom"): read as failed' })
  })
})

describe('suite counts that contradict the cases are a crash of the report ("counts disagree")', () => {
  const crashes = async (report: string): Promise<string[]> => (await readTextCases(report, 'r.xml', 13)).stats.crashes.map((c) => `${c.line}: ${c.what}`)

  test('failures="1" on a suite whose only case passes: a crash, and the control it touches fails', async () => {
    const report = '<testsuite name="posting" tests="2" failures="1">\n<testcase name="balances [A]"/>\n</testsuite>'
    expect(await crashes(report)).toEqual(['1: counts disagree: suite "posting" declares failures="1", but none of its test cases failed (a failing test case is missing, so its passes prove nothing)'])
    const r = await control(report)
    expect(r.status).toBe('fail')
    expect(r.codes).toContain('report-crashed')
  })

  test('<testsuites errors="2"> over suites holding one failing case: the root\'s counts disagree', async () => {
    const report = '<testsuites name="all" tests="3" failures="0" errors="2">\n<testsuite name="a" errors="1"><testcase name="x [A]"><error/></testcase></testsuite>\n<testsuite name="b"><testcase name="y [A]"/></testsuite>\n</testsuites>'
    expect(await crashes(report)).toEqual(['1: counts disagree: <testsuites> "all" declares failures="0" errors="2", but its test cases hold only 1 failing result (a failing test case is missing, so its passes prove nothing)'])
  })

  test('nested suites: the inner one agrees, the outer one claims more', async () => {
    const report = '<testsuites>\n<testsuite name="outer" failures="2">\n<testsuite name="inner" failures="1"><testcase name="x"><failure/></testcase></testsuite>\n<testcase name="y"/>\n</testsuite>\n</testsuites>'
    expect(await crashes(report)).toEqual(['2: counts disagree: suite "outer" declares failures="2", but its test cases hold only 1 failing result (a failing test case is missing, so its passes prove nothing)'])
  })

  test('the through-the-CLI view: exit 1, the crash named in the reasons', () => {
    const dir = workspace({ 'map.yml': MAP(), 'r.xml': '<testsuite name="posting" failures="1"><testcase name="balances [A]"/></testsuite>\n' })
    const r = runCli(['check', '--controls', 'map.yml', '--reports', 'r.xml', '--now', '2026-11-22T12:00:00Z'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('counts disagree: suite "posting" declares failures="1", but none of its test cases failed')
  })

  // How real writers count (../shared/corpus): none of these is a contradiction.
  const agreeing: [string, string][] = [
    ['Surefire: failures count every re-run', '<testsuite name="s" tests="4" failures="4"><testcase name="x"><failure/><rerunFailure/><rerunFailure/><rerunFailure/></testcase></testsuite>'],
    ['Surefire: flaky failures count, the test passed', '<testsuite name="s" tests="3" failures="2"><testcase name="x"><flakyFailure/><flakyFailure/></testcase></testsuite>'],
    ['gotestsum: one failing package counted as a failure and an error', '<testsuites failures="1" errors="1"><testsuite name="p" tests="0" failures="0"><testcase name="TestMain"><failure/></testcase></testsuite></testsuites>'],
    ['jest-junit: tests="0" above the case for a file that could not run', '<testsuites tests="0" errors="1"><testsuite name="f" tests="0" errors="1"><testcase name="f"><error/></testcase></testsuite></testsuites>'],
    ['mocha-junit-reporter: pending tests counted, not written', '<testsuites tests="5" skipped="3"><testsuite name="m" tests="5" skipped="3"><testcase name="a"/><testcase name="b"/></testsuite></testsuites>'],
    ['several <failure>s in one case', '<testsuite name="s" failures="2"><testcase name="x"><failure/><failure/></testcase></testsuite>'],
    ['a failing status attribute with no element', '<testsuite name="s" failures="1"><testcase name="x" status="failed"/></testsuite>'],
    ['a suite\'s own <error>', '<testsuite name="s" tests="1" errors="1"><error message="BeforeAll failed"/></testsuite>'],
    ['an unknown outcome element, read as an error', '<testsuite name="s" errors="1"><testcase name="x"><timeout/></testcase></testsuite>'],
    ['more failures read than declared', '<testsuite name="s" failures="0"><testcase name="x"><failure/></testcase></testsuite>'],
    ['counts that are no number say nothing', '<testsuite name="s" failures="" errors="n/a"><testcase name="x"/></testsuite>']
  ]
  test.each(agreeing)('%s: no "counts disagree"', async (_, report) => {
    expect((await crashes(report)).filter((c) => c.includes('counts disagree'))).toEqual([])
  })

  test('20,000 nested suites, each declaring its count: read in linear time, one crash at the root', async () => {
    const depth = 20_000
    const report = `<testsuites failures="2">${'<testsuite name="n" failures="1">'.repeat(depth)}<testcase name="x"><failure/></testcase>${'</testsuite>'.repeat(depth)}</testsuites>`
    const started = performance.now()
    const found = (await readTextCases(report, 'r.xml', 65_536)).stats.crashes
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(found.map((c) => c.what)).toEqual(['counts disagree: <testsuites> declares failures="2", but its test cases hold only 1 failing result (a failing test case is missing, so its passes prove nothing)'])
  })
})
