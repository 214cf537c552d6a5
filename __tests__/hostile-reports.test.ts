import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

/**
 * Issue 12, items 1–6, 8 and 9, with the inputs the issue gives, through the bundled CLI: a
 * report that records a crash or an outcome we do not know can never read as a pass, and no
 * input hangs the gate or runs it out of memory.
 */

const MAP = `version: 1
system: ledger-service
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-05
    title: Period close locks
    tests: [{ name: "*locks the period" }]
`

type Json = { decision: string; controls: { id: string; status: string; reasons: { code: string; message: string; tests?: { name: string; report: string; line: number; message?: string }[] }[] }[]; reports: { crashes: { what: string; line?: number }[] }[] }

function check(files: Record<string, string>, reports: string, map = MAP): { code: number; json: Json; text: string } {
  const dir = workspace({ 'map.yml': map, ...files })
  const args = ['check', '--controls', 'map.yml', '--reports', reports, '--now', '2026-11-22T12:00:00Z']
  const r = runCli([...args, '--format', 'json'], dir)
  const text = runCli(args, dir)
  return { code: r.code, json: JSON.parse(r.stdout) as Json, text: text.stdout }
}

/** CM-01 alone, for inputs that should allow. */
const MAP_CM01 = MAP.slice(0, MAP.indexOf('  - id: CM-05'))

const control = (j: Json, id: string) => j.controls.find((c) => c.id === id) as Json['controls'][number]
const messages = (j: Json, id: string) => control(j, id).reasons.map((r) => r.message)

describe('1–2. TAP: an unclosed YAML block, a bail-out and an unmet plan', () => {
  test('1. a bare "---" after a passing point does not swallow the "not ok" after it', () => {
    const tap = 'ok 1 - [CM-01] balances\n---\nnot ok 2 - [CM-01] rejects unbalanced\n'
    const r = check({ 'reports/a.tap': tap }, 'reports/a.tap')
    expect(r.code).toBe(1)
    expect(r.json.decision).toBe('block')
    expect(messages(r.json, 'CM-01')).toContain('1 of 2 matched tests failed: [CM-01] rejects unbalanced')
    // Malformed (no "...", no plan): a crash of the report as well, named with its line.
    expect(r.json.reports[0]?.crashes).toEqual([
      { what: 'the YAML block opened at line 2 never closes (no "...")', line: 2 },
      { what: 'the TAP stream has no plan (1..N): it may have stopped early', line: 3 }
    ])
    expect(r.text).toContain('report reports/a.tap records a crash: the YAML block opened at line 2 never closes (no "...") (line 2); the TAP stream has no plan (1..N): it may have stopped early (line 3), so its passes prove nothing')
  })

  test('1. the same with a plan: the failure counts on its own; an indented, closed YAML block still holds its lines', () => {
    const r = check({ 'reports/a.tap': '1..2\nok 1 - [CM-01] balances\n---\nnot ok 2 - [CM-01] rejects unbalanced\n' }, 'reports/a.tap')
    expect(control(r.json, 'CM-01').status).toBe('fail')
    expect(messages(r.json, 'CM-01')).toContain('1 of 2 matched tests failed: [CM-01] rejects unbalanced')
    const closed = check({ 'reports/a.tap': "1..1\nok 1 - [CM-01] balances\n  ---\n  message: 'not ok 2 - fine'\n  ...\n" }, 'reports/a.tap', MAP_CM01)
    expect(closed.code).toBe(0)
  })

  test('2. Bail out! after one passing [CM-01] point fails CM-01, whose own tests all passed', () => {
    const r = check({ 'reports/a.tap': '1..2\nok 1 - [CM-01] balances\nBail out! database unreachable\n' }, 'reports/a.tap')
    expect(r.code).toBe(1)
    expect(control(r.json, 'CM-01').status).toBe('fail')
    expect(messages(r.json, 'CM-01')).toContain('report reports/a.tap records a crash: TAP Bail out! database unreachable (line 3), so its passes prove nothing')
    expect(r.text).toContain('crash: reports/a.tap:3: TAP Bail out! database unreachable')
  })

  test('2. a plan of 2 with one point fails CM-01, and every control that matched a test of that report', () => {
    const r = check({ 'reports/a.tap': '1..2\nok 1 - [CM-01] balances\n', 'reports/b.tap': '1..1\nok 1 - close locks the period\n' }, 'reports/*.tap')
    expect(control(r.json, 'CM-01').status).toBe('fail')
    expect(messages(r.json, 'CM-01')).toContain('report reports/a.tap records a crash: the TAP plan is not met: planned 2 tests, 1 ran (line 1), so its passes prove nothing')
    // CM-05 matched only the other, whole report: it stands.
    expect(control(r.json, 'CM-05').status).toBe('pass')
    const same = check({ 'reports/a.tap': '1..3\nok 1 - [CM-01] balances\nok 2 - close locks the period\n' }, 'reports/a.tap')
    expect(control(same.json, 'CM-05').status).toBe('fail')
    expect(messages(same.json, 'CM-05')).toContain('report reports/a.tap records a crash: the TAP plan is not met: planned 3 tests, 2 ran (line 1), so its passes prove nothing')
  })
})

describe('3. JUnit: a suite-level error is a crash of the report', () => {
  const xml = '<?xml version="1.0"?>\n<testsuite name="ledger">\n  <error message="BeforeAll failed"/>\n  <testcase classname="ledger" name="[CM-01] balances"/>\n  <testcase classname="close" name="close locks the period"/>\n</testsuite>\n'
  test('the suite\'s own <error> fails every control that matched a test of the report, whatever its selectors', () => {
    const r = check({ 'reports/a.xml': xml }, 'reports/a.xml')
    expect(r.code).toBe(1)
    const reason = 'report reports/a.xml records a crash: suite "ledger" has its own <error> "BeforeAll failed" (line 3), so its passes prove nothing'
    expect(messages(r.json, 'CM-01')).toContain(reason)
    expect(messages(r.json, 'CM-05')).toContain(reason)
    expect(control(r.json, 'CM-01').reasons.find((x) => x.code === 'report-crashed')?.tests?.[0]).toMatchObject({ report: 'reports/a.xml', line: 3 })
    expect(r.text).toContain(`- ${reason}`)
  })

  test('<failure> at suite level, and a failure element of the root, likewise', () => {
    const r = check({ 'reports/a.xml': xml.replace('<error message="BeforeAll failed"/>', '<failure>setUpClass failed</failure>') }, 'reports/a.xml')
    expect(messages(r.json, 'CM-01')).toContain('report reports/a.xml records a crash: suite "ledger" has its own <failure> "setUpClass failed" (line 3), so its passes prove nothing')
    const root = check({ 'reports/a.xml': '<testsuites><error message="fork crashed"/><testsuite name="s"><testcase name="[CM-01] balances"/></testsuite></testsuites>' }, 'reports/a.xml')
    expect(messages(root.json, 'CM-01')).toContain('report reports/a.xml records a crash: the report has its own <error> "fork crashed" (line 1), so its passes prove nothing')
  })
})

describe('4. unknown outcome words and elements are errors, the worse of two fields wins', () => {
  const report = (odd: string) => `<testsuite name="ledger">\n<testcase name="[CM-01] balances"/>\n${odd}\n</testsuite>\n`
  test.each([
    ['<testcase name="[CM-01] rejects" status="timeout"/>', 'unknown outcome status="timeout": read as an error'],
    ['<testcase name="[CM-01] rejects" status="aborted"/>', 'unknown outcome status="aborted": read as an error'],
    ['<testcase name="[CM-01] rejects" status="failing"/>', 'unknown outcome status="failing": read as an error'],
    ['<testcase name="[CM-01] rejects" status="not run"/>', 'unknown outcome status="not run": read as an error'],
    ['<testcase name="[CM-01] rejects" status="Blocked"/>', 'unknown outcome status="Blocked": read as an error'],
    ['<testcase name="[CM-01] rejects" result="FAILED_TIMEOUT"/>', 'unknown outcome result="FAILED_TIMEOUT": read as an error'],
    ['<testcase name="[CM-01] rejects"><Failure/></testcase>', 'unknown outcome element <Failure>: read as an error'],
    ['<testcase name="[CM-01] rejects"><FAILURE/></testcase>', 'unknown outcome element <FAILURE>: read as an error'],
    ['<testcase name="[CM-01] rejects"><ns:failure xmlns:ns="urn:x"/></testcase>', 'unknown outcome element <ns:failure>: read as an error']
  ])('%s blocks, its reason naming the report and the test', (odd, why) => {
    const r = check({ 'reports/a.xml': report(odd) }, 'reports/a.xml')
    expect(r.code).toBe(1)
    const failed = control(r.json, 'CM-01').reasons.find((x) => x.code === 'tests-failed')
    expect(failed?.message).toBe('1 of 2 matched tests failed: ledger › [CM-01] rejects')
    expect(failed?.tests?.[0]).toEqual({ name: 'ledger › [CM-01] rejects', report: 'reports/a.xml', line: 3, message: why })
  })

  test('googletest status="run" result="skipped" (GTEST_SKIP up to 1.10) is skipped, not passed', () => {
    const r = check({ 'reports/a.xml': report('<testcase name="[CM-01] rejects" status="run" result="skipped"/>') }, 'reports/a.xml')
    expect(r.code).toBe(1)
    expect(messages(r.json, 'CM-01')).toContain('1 matched test was skipped and allow-skipped is false: ledger › [CM-01] rejects')
  })

  test('the worse of the elements and the attributes: status="passed" with a <failure> fails; status="failed" with <skipped> fails', () => {
    for (const odd of ['<testcase name="[CM-01] rejects" status="passed"><failure/></testcase>', '<testcase name="[CM-01] rejects" status="failed"><skipped/></testcase>']) {
      expect(messages(check({ 'reports/a.xml': report(odd) }, 'reports/a.xml').json, 'CM-01')).toContain('1 of 2 matched tests failed: ledger › [CM-01] rejects')
    }
  })
})

describe('5. identity is the name and the source file', () => {
  test('Jest: the same title failed in posting.test.js and passed in legacy/old-posting.test.js: two tests, one failed', () => {
    const assertion = (status: string) => ({ ancestorTitles: ['ledger'], title: '[CM-01] entries balance', status, failureMessages: status === 'failed' ? ['expected balanced'] : [] })
    const jest = JSON.stringify({
      numTotalTests: 2,
      numFailedTestSuites: 1,
      testResults: [
        { name: 'posting.test.js', status: 'failed', assertionResults: [assertion('failed')] },
        { name: 'legacy/old-posting.test.js', status: 'passed', assertionResults: [assertion('passed')] }
      ]
    })
    const r = check({ 'reports/jest.json': jest }, 'reports/jest.json')
    expect(r.code).toBe(1)
    expect(control(r.json, 'CM-01').reasons.find((x) => x.code === 'tests-failed')).toMatchObject({
      message: '1 of 2 matched tests failed: ledger › [CM-01] entries balance (posting.test.js)',
      tests: [{ report: 'reports/jest.json', message: 'expected balanced' }]
    })
    expect(messages(r.json, 'CM-01').join('\n')).not.toMatch(/flaky|re-run/)
  })

  test('JUnit: two identical <testcase>s from different file attributes are two tests; the same one twice is a re-run', () => {
    const tc = (file: string, body = '') => `<testcase classname="ledger" name="[CM-01] entries balance" file="${file}">${body}</testcase>`
    const two = check({ 'reports/a.xml': `<testsuite name="ledger">${tc('posting_test.py', '<failure message="unbalanced"/>')}${tc('legacy/old_posting_test.py')}</testsuite>` }, 'reports/a.xml')
    expect(two.code).toBe(1)
    expect(messages(two.json, 'CM-01')).toContain('1 of 2 matched tests failed: ledger › [CM-01] entries balance (posting_test.py)')
    const rerun = check({ 'reports/a.xml': `<testsuite name="ledger">${tc('posting_test.py', '<failure message="unbalanced"/>')}${tc('posting_test.py')}</testsuite>` }, 'reports/a.xml', MAP_CM01)
    expect(rerun.code).toBe(0)
    expect(messages(rerun.json, 'CM-01')).toContain('1 matched test passed only on a re-run (flaky: pass): ledger › [CM-01] entries balance')
  })
})

/** Runs the CLI under /usr/bin/time (where there is one) for its wall time and peak memory. */
function measured(args: string[], cwd: string): { code: number; stdout: string; stderr: string; seconds: number; peakMB?: number } {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
  const started = Date.now()
  const stats = path.join(cwd, '.time')
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%M', '-o', stats, process.execPath, path.join(ROOT, 'dist/cli.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } })
    : spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } })
  const seconds = (Date.now() - started) / 1000
  const peakMB = timeBin ? Number(readFileSync(stats, 'utf8').trim().split('\n').pop()) / 1024 : undefined
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, seconds, peakMB }
}

function bounded(r: ReturnType<typeof measured>): void {
  expect(r.seconds).toBeLessThan(10)
  if (r.peakMB !== undefined) expect(r.peakMB).toBeLessThan(256)
}

/** Writes `head`, then `size` bytes of `fill`, with no newline anywhere after the head. */
function writeLongLine(file: string, head: string, size: number): void {
  const fd = openSync(file, 'w')
  writeSync(fd, head)
  const block = Buffer.alloc(1024 * 1024, 'a')
  for (let written = 0; written < size; written += block.length) writeSync(fd, block)
  closeSync(fd)
}

describe('6. a line with no newline is refused at 16 MiB, in linear time and bounded memory', () => {
  test.each([
    ['TAP, 64 MB', 'big.tap', 'TAP version 13\n1..1\nok 1 - [CM-01] ', 64, 3],
    ['Go test2json, 64 MB', 'big.json', '{"Action":"run","Package":"ledger","Test":"TestA"}\n{"Action":"output","Package":"ledger","Test":"TestA","Output":"', 64, 2],
    ['TAP, 700 MB', 'huge.tap', 'TAP version 13\n1..1\nok 1 - [CM-01] ', 700, 3]
  ])('%s: one clear line naming the file and line, exit 2', (_label, name, head, megabytes, line) => {
    const dir = workspace({ 'map.yml': MAP })
    writeLongLine(path.join(dir, name), head, (megabytes as number) * 1024 * 1024)
    const r = measured(['check', '--controls', 'map.yml', '--reports', name as string, '--now', '2026-11-22T12:00:00Z'], dir)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([`${name}:${line} line ${line} is longer than 16 MiB: not a test report line, refused`])
    bounded(r)
  }, 60_000)
})

describe('8. a catastrophic regex cannot hang the gate', () => {
  test('regex "^(a+)+$" against a test named 34 a\'s and "!" ends at once (RE2JS matches in linear time)', () => {
    const map = `version: 1\nsystem: s\ncontrols:\n  - id: CM-08\n    title: t\n    tests: [{ regex: "^(a+)+$" }]\n`
    const dir = workspace({ 'map.yml': map, 'r.xml': `<testsuite><testcase name="${'a'.repeat(34)}!"/><testcase name="${'a'.repeat(40)}"/></testsuite>` })
    const r = measured(['check', '--controls', 'map.yml', '--reports', 'r.xml', '--now', '2026-11-22T12:00:00Z', '--format', 'json'], dir)
    bounded(r)
    expect(r.code).toBe(0)
    // The name with "!" does not match; the one of a's only does.
    expect(JSON.parse(r.stdout).controls.find((c: { id: string }) => c.id === 'CM-08')).toMatchObject({ status: 'pass', tests: { matched: 1, passed: 1 } })
  })

  test('backreferences and lookarounds (backtracking only) are refused at load, at FILE:LINE:COL', () => {
    const map = `version: 1\nsystem: s\ncontrols:\n  - id: CM-08\n    title: t\n    tests:\n      - regex: "^(a)\\\\1$"\n      - regex: "(?=a)b"\n`
    const r = runCli(['validate', '--controls', 'map.yml'], workspace({ 'map.yml': map }))
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^map\.yml:7:9 control "CM-08": invalid regex "\^\(a\)\\\\1\$": invalid escape sequence: `\\1` \(backreferences and lookarounds need backtracking/)
    expect(lines[1]).toMatch(/^map\.yml:8:9 control "CM-08": invalid regex "\(\?=a\)b": invalid or unsupported Perl syntax: `\(\?=` \(backreferences/)
  })
})

describe('9. nothing recurses or spreads as deep as the input', () => {
  test('a 2.4 MB JUnit whose control property lists 300,000 ids: a result', () => {
    const ids = Array.from({ length: 300_000 }, (_, i) => `C${i}`).join(' ')
    const dir = workspace({ 'map.yml': MAP, 'r.xml': `<testsuite name="s"><properties><property name="control" value="${ids}"/></properties><testcase name="[CM-01] balances"><properties><property name="control" value="${ids}"/></properties></testcase></testsuite>` })
    expect(readFileSync(path.join(dir, 'r.xml')).length).toBeGreaterThan(2_300_000)
    const r = measured(['check', '--controls', 'map.yml', '--reports', 'r.xml', '--now', '2026-11-22T12:00:00Z'], dir)
    bounded(r)
    expect(r.code).toBe(1) // CM-05 matches nothing
    expect(r.stdout).toMatch(/PASS\s+CM-01/)
    expect(r.stderr).toBe('')
  })

  test('a 160,000-control map: one clear line, no stack overflow', () => {
    const lines = ['version: 1', 'system: s', 'controls:']
    for (let i = 0; i < 160_000; i++) lines.push(`  - id: C${i}`, '    title: t', `    tests: [{ tag: C${i} }]`)
    const dir = workspace({ 'map.yml': lines.join('\n') + '\n', 'r.xml': '<testsuite><testcase name="[C1] x"/></testsuite>' })
    const r = measured(['check', '--controls', 'map.yml', '--reports', 'r.xml'], dir)
    bounded(r)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^map\.yml is \d+\.\d MiB, over the 1 MiB limit for this file: refused rather than read without bound$/)])
  })

  test('a YAML alias bomb: FILE:LINE:COL, not "Excessive alias count"', () => {
    const bomb = ['version: 1', 'system: s', 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 10; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`)
    bomb.push('controls:', '  - id: C1', '    title: t', '    tests: [{ tag: C1 }]')
    const dir = workspace({ 'map.yml': bomb.join('\n') + '\n' })
    const r = measured(['validate', '--controls', 'map.yml'], dir)
    bounded(r)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual(['map.yml:4:10 YAML aliases expand too far (an alias bomb): refused as a resource-exhaustion attack'])
  })

  test('YAML nested deeper than the parser recurses: one line', () => {
    const dir = workspace({ 'map.yml': `version: 1\nsystem: s\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\ncontrols: []\n` })
    const r = runCli(['validate', '--controls', 'map.yml'], dir)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^map\.yml(:\d+:\d+)? YAML nested too deeply to read: refused/)
  })
})
