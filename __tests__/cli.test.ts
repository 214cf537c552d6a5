import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-03
    title: Period close locks
    tests: [{ suite: "close.*" }]
`
const PASSING = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>
  <testsuite name="close.PeriodTest"><testcase name="locks"/></testsuite>
</testsuites>
`
const FAILING = PASSING.replace('<testcase name="locks"/>', '<testcase name="locks"><failure message="period still open"/></testcase>')

function gate(files: Record<string, string | Buffer>, args: string[] = []): ReturnType<typeof runCli> {
  const dir = workspace({ '.github/sox-controls.yml': MAP, ...files })
  return runCli(['check', '--now', '2026-11-22T12:00:00Z', ...args], dir)
}

describe('sox-gate check: decisions and exit codes', () => {
  test('every control passes → allow, exit 0, a readable table', () => {
    const r = gate({ 'reports/a.xml': PASSING })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    // The map's two controls, and SOX-GATE-INTEGRITY (the one map given, trusted as given).
    expect(r.stdout).toContain('ALLOW: 3 of 3 controls passed, 0 failed, 0 waived')
    expect(r.stdout).toMatch(/PASS\s+CM-01\s+Entries balance\s+\[1\/1 passed\]/)
  })

  test('a failing control → block, exit 1, the reason names the test', () => {
    const r = gate({ 'reports/a.xml': FAILING })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('BLOCK: 2 of 3 controls passed, 1 failed, 0 waived')
    expect(r.stdout).toContain('- 1 of 1 matched tests failed: close.PeriodTest › locks')
  })

  test('the totals line counts in words: one test case, one error', () => {
    const r = gate({ 'reports/a.xml': '<testsuite name="posting"><testcase name="balances [CM-01]"><error message="NullPointerException"/></testcase></testsuite>' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('1 report, 1 test case (0 passed, 0 failed, 1 error, 0 skipped), 0 not mapped to any control')
  })

  test('report-only evaluates the same but exits 0 on block', () => {
    const r = gate({ 'reports/a.xml': FAILING }, ['--mode', 'report-only'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('BLOCK')
  })

  test('--format json prints one object with decision and controls[]', () => {
    const r = gate({ 'reports/a.xml': FAILING }, ['--format', 'json'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout)
    expect(out.decision).toBe('block')
    expect(out.mode).toBe('enforce')
    expect(out.evaluatedAt).toBe('2026-11-22T12:00:00.000Z')
    expect(out.controls.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['SOX-GATE-INTEGRITY', 'pass'],
      ['CM-01', 'pass'],
      ['CM-03', 'fail']
    ])
    expect(out.controls[2].tests).toEqual({ matched: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 })
    expect(out.controls[2].reasons[0]).toMatchObject({ code: 'tests-failed', effect: 'fail' })
    expect(out.reports[0]).toMatchObject({ path: 'reports/a.xml', format: 'junit', cases: 2, failed: 1, size: Buffer.byteLength(FAILING) })
    expect(out.reports[0].sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  test('--reports overrides the map, repeats, and ! excludes', () => {
    const r = gate({ 'out/a.xml': PASSING, 'out/broken.xml': FAILING }, ['--reports', 'out/*.xml', '--reports', '!out/broken.xml', '--format', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).reports.map((x: { path: string }) => x.path)).toEqual(['out/a.xml'])
  })

  test('the bundled example (the README\'s first command) allows', () => {
    const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z', '--format', 'json'], ROOT)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.counts).toEqual({ controls: 5, passed: 5, failed: 0, waived: 0 })
    // The example's change record names the map it was judged by (its sha256): the one given.
    expect(out.controls[0]).toMatchObject({ id: 'SOX-GATE-INTEGRITY', status: 'pass' })
    expect(out.controls[0].reasons[0].message).toMatch(/^no protected path changed \(3 files checked against 8 protected globs\); the control map at base 2b9e4a7 of pull request #1287 judges/)
    // bo co-authored the head commit (noreply e-mail), so only carol's approval on the head counts.
    const approval = out.controls.find((c: { id: string }) => c.id === 'CM-02')
    expect(approval.reasons.map((x: { message: string }) => x.message)).toEqual([
      'pull request #1287 has 1 independent approval (carol) on head 4f1d2c3; min-approvals is 1; authors: alice, bo',
      'bo approved but is an author of the change (co-author of 4f1d2c3)'
    ])
  })
})

describe('sox-gate: bad input is one clear line and exit 2, never a pass', () => {
  function expectConfigError(r: ReturnType<typeof runCli>, line: RegExp): void {
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(line)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }

  test('YAML syntax error', () => {
    const dir = workspace({ '.github/sox-controls.yml': 'version: 1\nsystem: [oops\n', 'reports/a.xml': PASSING })
    expectConfigError(runCli(['check'], dir), /^\.github\/sox-controls\.yml:\d+:\d+ /)
  })

  test('schema violation and unknown key, all reported', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('title: Entries balance', 'title: Entries balance\n    severity: high\n    min-tests: many'), 'reports/a.xml': PASSING })
    const r = runCli(['check'], dir)
    expectConfigError(r, /^\.github\/sox-controls\.yml:7:5 \/controls\/0: unknown key "severity"$/m)
    expect(r.stderr).toMatch(/^\.github\/sox-controls\.yml:8:16 \/controls\/0\/min-tests: must be an integer$/m)
  })

  test('duplicate control id', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('id: CM-03', 'id: CM-01'), 'reports/a.xml': PASSING })
    expectConfigError(runCli(['check'], dir), /^\.github\/sox-controls\.yml:8:5 duplicate control id "CM-01" \(first defined at line 5\)\n$/)
  })

  test('missing control map', () => {
    expectConfigError(runCli(['check', '--controls', 'nope.yml'], workspace({})), /^nope\.yml cannot read the control map: no such file\n$/)
  })

  test('a glob that matches no file', () => {
    expectConfigError(gate({}, ['--reports', 'build/**/*.xml']), /^reports glob "build\/\*\*\/\*\.xml" matched no file in /)
  })

  test('a 0-byte report', () => {
    expectConfigError(gate({ 'reports/a.xml': PASSING, 'reports/empty.xml': '' }), /^reports\/empty\.xml empty report \(0 bytes\)\n$/)
  })

  test('truncated XML', () => {
    expectConfigError(gate({ 'reports/a.xml': PASSING.slice(0, 80) }), /^reports\/a\.xml:3:\d+ /)
  })

  test('a binary file and a text file', () => {
    const r = gate({ 'reports/a.xml': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]), 'reports/b.xml': 'all tests passed!\n' })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('reports/a.xml binary file, not a test report\nreports/b.xml not a known report format (tried: junit, trx, nunit3, nunit2, xunit-net, testng, ctest, ctrf, jest, mocha, mochawesome, rspec, go-test-json, dart-json, tap)\n')
  })

  test('a report declaring a DTD', () => {
    expectConfigError(gate({ 'reports/a.xml': '<?xml version="1.0"?>\n<!DOCTYPE testsuites>\n<testsuites/>' }), /^reports\/a\.xml:2 declares a DTD/)
  })

  test('XXE: the entity target appears nowhere', () => {
    const secret = 'sox-gate-secret-' + Math.random().toString(36).slice(2)
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'secret.txt': secret })
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM "file://${path.join(dir, 'secret.txt')}">]>\n<testsuites><testsuite name="&x;"><testcase name="&x; [CM-01]"/></testsuite></testsuites>`
    mkdirSync(path.join(dir, 'reports'))
    writeFileSync(path.join(dir, 'reports', 'a.xml'), xxe)
    for (const format of ['text', 'json']) {
      const r = runCli(['check', '--format', format], dir)
      expect(r.code).toBe(2)
      expect(r.stdout + r.stderr).not.toContain(secret)
    }
  })

  test('an entity bomb finishes fast', () => {
    const defs = Array.from({ length: 12 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join('\n')
    const started = Date.now()
    expectConfigError(gate({ 'reports/a.xml': `<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY e0 "ha">\n${defs}]>\n<testsuites><testsuite name="&e12;"/></testsuites>` }), /DTD/)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  test('reports that hold no test case at all', () => {
    expectConfigError(gate({ 'reports/a.xml': '<testsuites/>', 'reports/b.xml': '<testsuite name="x" tests="0"/>' }), /^reports the reports hold no test case at all \(2 files read\): nothing could prove any control\n$/)
  })

  test('usage errors: unknown flag, bad value, bad --now: one line, ending with where the options are explained', () => {
    const dir = workspace({})
    for (const args of [['check', '--bogus'], ['check', '--format', 'xml'], ['check', '--now', '2026-11-22'], ['frobnicate'], ['validate', '--reports', 'x']]) {
      const r = runCli(args, dir)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^sox-gate: [^\n]+ \(see sox-gate help( check| validate)?\)\n$/)
    }
  })

  test('every usage error of one command line at once, in our words, one line each, the last saying where the options are explained', () => {
    const r = runCli(['check', '--format', 'xml', '--now', 'yesterday', '--bogus', '--controls'], workspace({}))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')).toEqual([
      'sox-gate: unknown option --bogus',
      'sox-gate: --controls needs a value',
      'sox-gate: --format must be one of text, json, not "xml"',
      'sox-gate: --now must be an ISO-8601 date-time with a zone (e.g. 2026-11-22T12:00:00Z), not "yesterday" (see sox-gate help check)',
      ''
    ])
    expect(r.stderr).not.toMatch(/To specify a positional argument|ERR_PARSE_ARGS/)
    expect(runCli(['check', '--controls', '--format', 'json'], workspace({})).stderr).toContain('sox-gate: --controls needs a value, not the option --format')
  })

  test('a bad JSON change record is told in JSON\'s words, at its line and column', () => {
    const dir = workspace({ 'm.yml': MAP, 'reports/a.xml': '<testsuite name="s"><testcase name="x [CM-01]"/></testsuite>', 'change.json': '{\n  "version": 2\n  "sha": "x"\n}\n' })
    const r = runCli(['check', '--controls', 'm.yml', '--reports', 'reports/*.xml', '--change', 'change.json'], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("change.json:3:3 not valid JSON: Expected ',' or '}' after property value\n")
  })

  test('the default control map missing: the message names --controls', () => {
    const r = runCli(['check'], workspace({}))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^\.github\/sox-controls\.yml cannot read the control map: no such file \(the default path, in .+\); name yours with --controls FILE\n$/)
  })

  test('--version and -V: the version, exit 0', () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    for (const flag of ['--version', '-V']) expect(runCli([flag], workspace({}))).toEqual({ code: 0, stdout: `sox-gate ${version}\n`, stderr: '' })
  })

  test('help COMMAND and COMMAND --help: every option with its meaning and default', () => {
    const a = runCli(['help', 'check'], workspace({}))
    const b = runCli(['check', '--help'], workspace({}))
    expect(a.code).toBe(0)
    expect(b).toEqual(a)
    expect(a.stdout).toMatch(/^ {2}--controls FILE +the control map \(the one the change proposes\) \(default: \.github\/sox-controls\.yml\)$/m)
    expect(a.stdout).toMatch(/^ {2}--mode enforce\|report-only +report-only exits 0 on a block .*\(default: enforce\)$/m)
    for (const option of ['controls', 'base-controls', 'reports', 'change', 'evidence', 'format', 'mode', 'now', 'debug']) expect(a.stdout).toContain(`  --${option}`)
    expect(runCli(['help', 'verify'], workspace({})).stdout).toContain('--expect-sha256 HEX')
    expect(runCli(['help', 'nope'], workspace({})).stderr).toContain('sox-gate: no help on "nope": the commands are check, validate, verify, ledger')
  })

  test('--debug adds the stack trace', () => {
    const r = runCli(['check', '--controls', 'nope.yml', '--debug'], workspace({}))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\n\s+at /)
  })
})

describe('sox-gate validate', () => {
  test('one error does not hide the next: a bad expires, a duplicate id, an invalid regex and a waiver of an unknown control, four lines in file order', () => {
    const map = [
      'version: 1',
      'system: ledger',
      'controls:',
      '  - id: CM-01',
      '    title: One',
      '    tests: [{ regex: "([a-z" }]',
      '  - id: CM-01',
      '    title: Two',
      '    tests: [{ tag: x }]',
      'waivers:',
      '  - id: W-1',
      '    control: CM-99',
      '    reason: r',
      '    requested-by: a',
      '    approved-by: b',
      '    expires: 2026-13-45',
      ''
    ].join('\n')
    const r = runCli(['validate', '--controls', 'm.yml'], workspace({ 'm.yml': map }))
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'm.yml:6:13 control "CM-01": invalid regex "([a-z": missing closing ]: `[a-z`',
      'm.yml:7:5 duplicate control id "CM-01" (first defined at line 4)',
      'm.yml:12:14 waiver "W-1" names unknown control "CM-99"',
      'm.yml:16:14 /waivers/0/expires: must be a date-time (e.g. 2026-12-05T00:00:00Z)'
    ])
  })

  test('a valid map: exit 0 and a count', () => {
    const r = runCli(['validate', '--controls', 'm.yml'], workspace({ 'm.yml': MAP }))
    expect(r).toEqual({ code: 0, stdout: 'm.yml: valid (2 controls, 0 waivers)\n', stderr: '' })
  })

  test('an invalid map: exit 2 and every problem', () => {
    const r = runCli(['validate', '--controls', 'm.yml'], workspace({ 'm.yml': MAP.replace('id: CM-03', 'id: CM-01').replace('version: 1', 'version: 3') }))
    expect(r.code).toBe(2)
    // Schema and semantic checks both run: the bad version does not hide the duplicate id.
    expect(r.stderr.trim().split('\n')).toEqual(['m.yml:1:10 /version: must be 1', 'm.yml:8:5 duplicate control id "CM-01" (first defined at line 5)'])
  })
})
