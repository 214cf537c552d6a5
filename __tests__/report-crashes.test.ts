import { lines } from '../src/reports/lines.js'
import { evaluateInline } from './helpers/engine.js'
import { readTextCases } from './helpers/read.js'

/** What each reader records as a crash of its report (SPEC §12), read from inputs written by hand. */
const crashesOf = async (text: string, chunk = 7): Promise<string[]> => (await readTextCases(text, 'r', chunk)).stats.crashes.map((c) => (c.line ? `${c.line}: ${c.what}` : c.what))

describe('TAP reader', () => {
  test('a YAML block ends at "...", at a less indented line, or at a test point no deeper than its "---"', async () => {
    const tap = ['1..3', 'ok 1 - a', '  ---', '  message: x', 'ok 2 - b', '  ---', '    ok: 1', '  ...', 'not ok 3 - c'].join('\n')
    const { cases, stats } = await readTextCases(tap)
    expect(cases.map((c) => [c.name, c.status, c.message])).toEqual([
      ['a', 'passed', 'x'],
      ['b', 'passed', undefined],
      ['c', 'failed', undefined]
    ])
    expect(stats.crashes).toEqual([{ what: 'the YAML block opened at line 3 never closes (no "...")', line: 3 }])
  })

  test('"ok:" is not a test point (a YAML key), "not ok" always is', async () => {
    const { cases, stats } = await readTextCases(['1..2', 'ok 1 - a', '  ---', '  ok: true', '  ...', 'not ok: 2 b'].join('\n'))
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      ['a', 'passed'],
      [': 2 b', 'failed']
    ])
    expect(stats.crashes).toEqual([])
  })

  test('more points than planned is an unmet plan too; a directive is the first "# SKIP"/"# TODO"', async () => {
    const { cases, stats } = await readTextCases(['1..1', 'ok 1 - a # not a directive # skip later', 'ok 2 - b'].join('\n'))
    expect(cases[0]).toMatchObject({ name: 'a # not a directive', status: 'skipped', message: 'later' })
    expect(stats.crashes).toEqual([{ what: 'the TAP plan is not met: planned 1 test, 2 ran', line: 1 }])
  })

  test('a point line of a million spaces is read in linear time', async () => {
    const started = Date.now()
    const { cases } = await readTextCases(`1..1\nok 1 - a${' '.repeat(1_000_000)}b #${' '.repeat(1_000_000)}x\n`, 'r', 65536)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(cases[0]?.status).toBe('passed')
  })
})

describe('crashes the other readers record', () => {
  test('Go: a build failure, a package failing outside any test, a test running when its package failed, a report cut short', async () => {
    const ev = (o: object) => JSON.stringify(o)
    const go = [
      ev({ ImportPath: 'x/a [x/a.test]', Action: 'build-output', Output: 'a.go:1: syntax error\n' }),
      ev({ ImportPath: 'x/a [x/a.test]', Action: 'build-fail' }),
      ev({ Action: 'run', Package: 'x/b', Test: 'TestB' }),
      ev({ Action: 'fail', Package: 'x/b' }),
      ev({ Action: 'fail', Package: 'x/c' }),
      ev({ Action: 'run', Package: 'x/d', Test: 'TestD' })
    ].join('\n')
    expect(await crashesOf(go)).toEqual([
      '2: package x/a failed to build',
      '4: package x/b failed while TestB was running (panic or timeout)',
      '5: package x/c failed outside any test (TestMain, init or a panic)',
      'the report is cut short: 1 test never finished'
    ])
  })

  test('Dart: an error after a test completed, a file that did not load, no "done"', async () => {
    const ev = (o: object) => JSON.stringify(o)
    const head = [ev({ type: 'start', protocolVersion: '0.1.1', runnerVersion: '1.0' }), ev({ type: 'suite', suite: { id: 0, path: 'test/a_test.dart' } })]
    const tests = [
      ev({ type: 'testStart', test: { id: 1, name: 'loading test/a_test.dart', suiteID: 0 } }),
      ev({ type: 'testDone', testID: 1, result: 'error', hidden: true }),
      ev({ type: 'testStart', test: { id: 2, name: 'posts', suiteID: 0 } }),
      ev({ type: 'testDone', testID: 2, result: 'success', hidden: false }),
      ev({ type: 'error', testID: 2, error: 'late failure' })
    ]
    expect(await crashesOf([...head, ...tests].join('\n'))).toEqual([
      '3: loading test/a_test.dart failed (the test file did not load)',
      '7: test "posts" failed after it had completed: late failure',
      'the report is cut short: no "done" event ends it'
    ])
    const clean = [...head, ev({ type: 'testStart', test: { id: 2, name: 'posts', suiteID: 0 } }), ev({ type: 'testDone', testID: 2, result: 'success', skipped: true }), ev({ type: 'done', success: false })]
    expect(await crashesOf(clean.join('\n'))).toEqual(['5: the run did not succeed ("done" success false) though no test failed'])
  })

  test('Jest: a file that failed with no failing test (afterAll), an interrupted run', async () => {
    const json = JSON.stringify({ numTotalTests: 1, numFailedTestSuites: 1, wasInterrupted: true, testResults: [{ name: 'a.test.js', status: 'failed', message: 'afterAll hook failed', assertionResults: [{ ancestorTitles: [], title: 'posts', status: 'passed' }] }] }, null, 1)
    // Pretty-printed, one key a line: wasInterrupted is on line 4, the test file's object ends on line 17.
    expect(await crashesOf(json)).toEqual(['4: the Jest run was interrupted (wasInterrupted)', '17: test file a.test.js failed with no failing test (a failing beforeAll/afterAll?): afterAll hook failed'])
  })

  test('Mocha and mochawesome: a failing hook; mochawesome: a failed state beats a skipped flag', async () => {
    const mocha = JSON.stringify({ stats: {}, passes: [], pending: [], failures: [{ title: '"before all" hook for "posts"', fullTitle: 'ledger "before all" hook for "posts"', err: { message: 'db down' } }] })
    expect(await crashesOf(mocha)).toEqual(['1: "before all" hook for "posts" failed: db down'])
    const awesome = JSON.stringify({ stats: { passPercent: 0 }, results: [{ title: '', tests: [], suites: [{ title: 'ledger', tests: [{ title: 'posts', state: 'failed', skipped: true, err: {} }, { title: 'odd', state: 'broken', err: {} }], suites: [] }] }] })
    const { cases } = await readTextCases(awesome)
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      ['posts', 'failed'],
      ['odd', 'error']
    ])
  })

  test('RSpec: errors outside of examples', async () => {
    const json = '{"version":"3.13.0","examples":[{"description":"posts","full_description":"ledger posts","status":"passed"}],\n"summary":{"example_count":1,"errors_outside_of_examples_count":1}}'
    expect(await crashesOf(json)).toEqual(['2: 1 error outside of examples (a file that failed to load, a failing before(:suite))'])
  })

  test('TRX: a run that did not complete; NUnit 3: a OneTimeTearDown failure; xUnit.net: a cleanup error; TestNG: a failing configuration method', async () => {
    const trx = '<TestRun><Results><UnitTestResult testId="1" testName="A" outcome="PassedButRunAborted"/></Results>\n<ResultSummary outcome="Aborted"/></TestRun>'
    expect(await crashesOf(trx)).toEqual(['2: the test run did not complete: its outcome is "Aborted"', '1: the test run was aborted (A passed before it was)'])
    const nunit = '<test-run><test-suite type="TestFixture" name="Ledger" result="Failed" site="TearDown"><failure><message>cleanup failed</message></failure>\n<test-case name="Posts" classname="Ledger" result="Passed"/></test-suite></test-run>'
    expect(await crashesOf(nunit)).toEqual(['1: suite "Ledger" failed in its OneTimeTearDown: cleanup failed'])
    const quietFail = '<test-run><test-suite type="TestFixture" name="Ledger" result="Failed"><test-case name="Posts" classname="Ledger" result="Passed"/></test-suite></test-run>'
    expect(await crashesOf(quietFail)).toEqual(['1: suite "Ledger" failed though none of its tests did'])
    const xunit = '<assemblies><assembly name="a.dll"><collection name="c"><test name="T.Posts" type="T" method="Posts" result="Pass"/></collection>\n<errors><error type="class-cleanup" name="T"><failure><message>dispose threw</message></failure></error></errors></assembly></assemblies>'
    expect(await crashesOf(xunit)).toEqual(['2: class-cleanup T outside any test: dispose threw'])
    const testng = '<testng-results><suite name="s"><test name="api"><class name="L">\n<test-method is-config="true" status="FAIL" name="setUp"/><test-method status="PASS" name="posts"/></class></test></suite></testng-results>'
    expect(await crashesOf(testng)).toEqual(['2: configuration method L.setUp failed'])
  })

  test('NUnit 2: an unknown result word is an error, and a Success that success="False" contradicts is a failure', async () => {
    const xml = '<test-results><test-suite name="s"><results><test-case name="A.B.x" executed="True" result="Timeout" success="True"/><test-case name="A.B.y" executed="True" result="Success" success="False"/></results></test-suite></test-results>'
    const { cases } = await readTextCases(xml)
    expect(cases.map((c) => c.status)).toEqual(['error', 'failed'])
  })
})

describe('lines', () => {
  async function collect(chunks: string[]): Promise<{ text: string; line: number; ended: boolean }[]> {
    async function* gen(): AsyncGenerator<string> {
      yield* chunks
    }
    const out = []
    for await (const l of lines(gen(), 'r')) out.push(l)
    return out
  }

  test('lines across chunk borders, CRLF split between chunks, a last line with no end', async () => {
    expect(await collect(['ab', 'c\r', '\nd', 'e\n\nf'])).toEqual([
      { text: 'abc', line: 1, ended: true },
      { text: 'de', line: 2, ended: true },
      { text: '', line: 3, ended: true },
      { text: 'f', line: 4, ended: false }
    ])
  })

  test('a line over 16 MiB is refused with its number, even split over many chunks', async () => {
    const chunk = 'x'.repeat(1024 * 1024)
    await expect(collect(['ok\n', ...Array<string>(17).fill(chunk)])).rejects.toThrow(/^r:2 line 2 is longer than 16 MiB/)
  })
})

describe('the evaluation fails what a crashed report touched, and nothing else', () => {
  test('a crash in one report fails the controls that matched it; a control matching only other reports stands', async () => {
    const map = 'version: 1\nsystem: s\ncontrols:\n  - id: A\n    title: a\n    tests: [{ tag: A }]\n  - id: B\n    title: b\n    tests: [{ tag: B }]\n'
    const crashed = '<testsuite name="s"><error message="setup failed"/><testcase name="x [A]"/></testsuite>'
    const clean = '<testsuite name="t"><testcase name="y [B]"/><testcase name="z [A]"/></testsuite>'
    const r = await evaluateInline(map, [crashed, clean])
    expect(r.controls.map((c) => [c.id, c.status])).toEqual([
      ['A', 'fail'],
      ['B', 'pass']
    ])
    expect(r.controls[0]?.reasons.find((x) => x.code === 'report-crashed')?.message).toBe('report r0.xml records a crash: suite "s" has its own <error> "setup failed" (line 1), so its passes prove nothing')
  })
})
