import path from 'node:path'
import { ConfigError } from '../src/errors.js'
import { CORPUS, corpusFiles, describeCorpus } from './helpers/corpus.js'
import { readFileCases, readTextCases } from './helpers/read.js'

describe('JUnit reader: statuses and dialects', () => {
  test('child elements decide the status, worst first: error > failure > skipped > passed', async () => {
    const { cases, stats } = await readTextCases(`<testsuites><testsuite name="s">
      <testcase classname="c" name="all three"><skipped/><failure message="f"/><error message="e"/></testcase>
      <testcase classname="c" name="fail and skip"><skipped/><failure/></testcase>
      <testcase classname="c" name="skip"><skipped message="not on linux"/></testcase>
      <testcase classname="c" name="pass"/>
    </testsuite></testsuites>`)
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      ['all three', 'error'],
      ['fail and skip', 'failed'],
      ['skip', 'skipped'],
      ['pass', 'passed']
    ])
    expect(stats).toMatchObject({ format: 'junit', cases: 4, passed: 1, failed: 1, errors: 1, skipped: 1 })
    expect(cases[2]?.message).toBe('not on linux')
  })

  test('status attributes of googletest, tst and Bazel count when no child element says otherwise', async () => {
    const { cases } = await readTextCases(`<testsuite name="s">
      <testcase name="a" status="notrun"/><testcase name="b" status="disabled"/>
      <testcase name="c" status="errored"/><testcase name="d" status="run"/><testcase name="e" status="failed"/>
    </testsuite>`)
    expect(cases.map((c) => c.status)).toEqual(['skipped', 'skipped', 'error', 'passed', 'failed'])
  })

  test('Surefire flakyFailure before a pass and rerunFailure after a failure become attempts', async () => {
    const { cases } = await readTextCases(`<testsuite name="s">
      <testcase name="flaky"><flakyFailure message="x"><stackTrace>t</stackTrace></flakyFailure><flakyError/></testcase>
      <testcase name="always"><failure message="boom"/><rerunFailure/><rerunError/></testcase>
    </testsuite>`)
    expect(cases[0]).toMatchObject({ status: 'passed', attempts: ['failed', 'error', 'passed'] })
    expect(cases[1]).toMatchObject({ status: 'failed', attempts: ['failed', 'failed', 'error'], message: 'boom' })
  })

  test('control tags come from properties (testcase, suite, root) and from [ID] / @ID in names', async () => {
    const { cases } = await readTextCases(`<testsuites>
      <properties><property name="control" value="ROOT-1"/></properties>
      <testsuite name="s"><properties><property name="controls" value="CM-01, CM-02"/><property name="java.version" value="21"/></properties>
        <testcase name="posts [CM-03] entry @CM-04 by user@example.com">
          <properties><property name="control" value="CM-05"/><property name="note">multi
line</property></properties>
        </testcase>
      </testsuite></testsuites>`)
    const tc = cases[0]
    expect(tc?.tags.sort()).toEqual(['CM-01', 'CM-02', 'CM-03', 'CM-04', 'CM-05', 'ROOT-1'])
    expect(tc?.tags).not.toContain('example.com')
    expect(tc?.properties).toEqual([
      { name: 'control', value: 'CM-05' },
      { name: 'note', value: 'multi\nline' }
    ])
  })

  test('nested suites: the innermost suite names the case; file falls back to the suite file, backslashes become /', async () => {
    const { cases } = await readTextCases(`<testsuites><testsuite name="outer" file="C:\\repo\\tests\\a_test.php">
      <testsuite name="inner"><testcase name="x" class="K"/></testsuite>
      <testcase name="y" file="web\\src\\b.test.ts" line="4"/>
    </testsuite></testsuites>`)
    expect(cases.map((c) => [c.suite, c.classname, c.name, c.file])).toEqual([
      ['inner', 'K', 'x', 'C:/repo/tests/a_test.php'],
      ['outer', '', 'y', 'web/src/b.test.ts']
    ])
  })

  test('an error directly under <testsuite> becomes a failing "(suite)" case, so a crashed suite cannot read as passed', async () => {
    const { cases } = await readTextCases(`<testsuite name="gda.XTest" tests="1" errors="1">
      <error type="NoClassDefFoundError">java.lang.NoClassDefFoundError: gda/X
        at java.lang.Class.forName0(Native Method)</error></testsuite>`)
    expect(cases).toHaveLength(1)
    expect(cases[0]).toMatchObject({ suite: 'gda.XTest', name: '(suite)', status: 'error', message: 'java.lang.NoClassDefFoundError: gda/X' })
  })

  test('the line of a case is where its start tag begins, across chunk borders and CRLF', async () => {
    const text = '<?xml version="1.0"?>\r\n<testsuite name="s">\r\n  <testcase\r\n    name="a"\r\n    time="1"/>\r\n  <testcase name="b"/>\r\n</testsuite>\r\n'
    const { cases } = await readTextCases(text, 'crlf.xml', 3)
    expect(cases.map((c) => [c.name, c.line])).toEqual([
      ['a', 3],
      ['b', 6]
    ])
  })

  test('negative or non-numeric durations are dropped, not trusted', async () => {
    const { cases } = await readTextCases('<testsuite><testcase name="a" time="-3"/><testcase name="b" time="1.5e-3"/><testcase name="c" time="x"/></testsuite>')
    expect(cases.map((c) => c.duration)).toEqual([undefined, 0.0015, undefined])
  })

  test('a leaf suite that declares tests but lists none is noted', async () => {
    const { cases, stats } = await readTextCases('<testsuite name="pytest" tests="6" failures="1"></testsuite>')
    expect(cases).toHaveLength(0)
    expect(stats.notes).toEqual(['suite "pytest" declares 6 tests but lists none'])
  })
})

describe('JUnit reader: unsafe and broken input', () => {
  async function problemOf(text: string): Promise<string> {
    try {
      await readTextCases(text, 'bad.xml', 64)
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      return (e as Error).message
    }
    throw new Error('expected the report to be refused')
  }

  test('a DTD is refused as unsafe, and an XXE file never shows the entity target', async () => {
    const message = await problemOf('<?xml version="1.0"?>\n<!DOCTYPE testsuite [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<testsuite><testcase name="&x;"/></testsuite>')
    expect(message).toBe('bad.xml:2 declares a DTD (<!DOCTYPE>): refused as unsafe, reports must not use DTDs or entities')
    expect(message).not.toMatch(/root:/)
  })

  test('an entity bomb is refused at once', async () => {
    const lol = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')
    const started = Date.now()
    const message = await problemOf(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lol}]><testsuite><testcase name="&lol10;"/></testsuite>`)
    expect(message).toMatch(/DTD/)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test('a DOCTYPE past the sniffed head is refused by the parser itself', async () => {
    const message = await problemOf(`<!--${' '.repeat(5000)}-->\n<!DOCTYPE testsuite>\n<testsuite/>`)
    expect(message).toMatch(/^bad\.xml:2 declares a DTD/)
  })

  test('an undeclared entity is an error with its position, not an empty string', async () => {
    expect(await problemOf('<testsuite>\n<testcase name="&secret;"/></testsuite>')).toMatch(/^bad\.xml:2:\d+ .*entity/i)
  })

  test('truncated XML names the file, line and column', async () => {
    expect(await problemOf('<testsuite name="s">\n  <testcase name="a">\n    <system-out><![CDATA[partial')).toMatch(/^bad\.xml:3:\d+ /)
  })

  test('well-formed XML that is not JUnit is refused naming its root', async () => {
    expect(await problemOf('<catalog><book/></catalog>')).toBe('bad.xml not a known report format (tried: junit, trx, nunit3, nunit2, xunit-net, testng, ctest, ctrf, jest, mocha, mochawesome, rspec, go-test-json, dart-json, tap)')
  })

  test('text and binary are refused', async () => {
    expect(await problemOf('hello, I am not a report')).toBe('bad.xml not a known report format (tried: junit, trx, nunit3, nunit2, xunit-net, testng, ctest, ctrf, jest, mocha, mochawesome, rspec, go-test-json, dart-json, tap)')
    expect(await problemOf('\u0000\u0001PK\u0003')).toBe('bad.xml binary file, not a test report')
    expect(await problemOf('   \n  ')).toBe('bad.xml empty report: no content')
  })
})

/**
 * Counts read by hand from each file (grep of <testcase>, <failure>, <error>, <skipped> and the
 * suites' own header attributes), written down here — never produced by running our reader.
 */
const HAND_COUNTED: Record<string, { cases: number; passed: number; failed: number; errors: number; skipped: number }> = {
  'enricomi__junit.multiresult.xml': { cases: 4, passed: 1, failed: 1, errors: 1, skipped: 1 },
  'enricomi__no-attributes.xml': { cases: 4, passed: 1, failed: 1, errors: 1, skipped: 1 },
  'enricomi__disabled.xml': { cases: 31, passed: 6, failed: 19, errors: 1, skipped: 5 },
  'dorny__pulsar-test-report.xml': { cases: 808, passed: 793, failed: 1, errors: 0, skipped: 14 },
  'xunit-plugin__googletest.xml': { cases: 4, passed: 1, failed: 2, errors: 0, skipped: 1 },
  'quick-junit__basic_report.xml': { cases: 8, passed: 3, failed: 3, errors: 1, skipped: 1 },
  'test-summary__03-junit.xml': { cases: 10, passed: 4, failed: 4, errors: 0, skipped: 2 },
  'junit2html__junit-sonobouy.xml': { cases: 710, passed: 4, failed: 1, errors: 0, skipped: 705 },
  'dorny__jest-junit.xml': { cases: 6, passed: 1, failed: 4, errors: 0, skipped: 1 },
  'victoriametrics__rspec-4.xml': { cases: 869, passed: 863, failed: 1, errors: 0, skipped: 5 },
  'junit-plugin__eclipse-plugin-test-report.xml': { cases: 3366, passed: 3366, failed: 0, errors: 0, skipped: 0 },
  'junit2html__junit-report-6700.xml': { cases: 1, passed: 0, failed: 0, errors: 1, skipped: 0 },
  'mikepenz__flaky_with_classname_file.xml': { cases: 5, passed: 3, failed: 1, errors: 1, skipped: 0 },
  'test-summary__05-empty.xml': { cases: 0, passed: 0, failed: 0, errors: 0, skipped: 0 },
  'trr-parser__mocha-failures-with-stack-trace.xml': { cases: 51, passed: 49, failed: 2, errors: 0, skipped: 0 }
}

describeCorpus('JUnit reader on the shared corpus (../shared/corpus/junit-xml)', () => {
  const dir = path.join(CORPUS, 'junit-xml')
  const files = corpusFiles('junit-xml')

  test('the corpus holds the 72 files SOURCES.md lists', () => {
    expect(files).toHaveLength(72)
  })

  test.each(files)('%s reads without error as junit', async (file) => {
    const { stats, cases } = await readFileCases(path.join(dir, file), file)
    expect(stats.format).toBe('junit')
    expect(cases).toHaveLength(stats.cases)
    for (const tc of cases) {
      expect(['passed', 'failed', 'error', 'skipped']).toContain(tc.status)
      expect(tc.attempts[tc.attempts.length - 1] === 'passed').toBe(tc.status === 'passed')
      expect(tc.line).toBeGreaterThan(0)
    }
    const expected = HAND_COUNTED[file]
    if (expected) expect({ cases: stats.cases, passed: stats.passed, failed: stats.failed, errors: stats.errors, skipped: stats.skipped }).toEqual(expected)
  })

  test('hand-counted files are all in the corpus', () => {
    for (const f of Object.keys(HAND_COUNTED)) expect(files).toContain(f)
  })

  test('Surefire re-runs: always-failing keeps its 4 attempts, flaky passes after 2 failures', async () => {
    const always = await readFileCases(path.join(dir, 'junit-plugin__TEST-io.olamy.AlwaysFailTest.xml'))
    expect(always.cases.map((c) => c.attempts)).toEqual([['failed', 'failed', 'failed', 'failed']])
    const flaky = await readFileCases(path.join(dir, 'junit-plugin__TEST-io.olamy.FlakyTest.xml'))
    expect(flaky.cases.map((c) => c.attempts)).toEqual([['failed', 'failed', 'passed']])
  })

  test('entities and astral-plane characters arrive decoded', async () => {
    const { cases } = await readFileCases(path.join(dir, 'enricomi__with-xml-entities.xml'))
    expect(cases.some((c) => /["'&<>]/.test(c.name))).toBe(true)
    const unicode = await readFileCases(path.join(dir, 'enricomi__unsupported-unicode.xml'))
    expect(unicode.cases.some((c) => /[\u{10000}-\u{10FFFF}]/u.test(c.name))).toBe(true)
  })
})

describeCorpus('malformed corpus files are refused, naming the file (../shared/corpus/malformed)', () => {
  const dir = path.join(CORPUS, 'malformed')
  const files = corpusFiles('malformed')
  test.each(files)('%s fails with a clear error', async (file) => {
    let error: unknown
    try {
      await readFileCases(path.join(dir, file), file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message.startsWith(file)).toBe(true)
    expect(message.split('\n')).toHaveLength(1)
    expect(message).not.toMatch(/root:x:0:0/)
  })
})
