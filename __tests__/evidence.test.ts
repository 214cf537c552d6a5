import { describeWhen } from './helpers/prerequisites.js'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    key: true
    tests: [{ tag: CM-01 }]
  - id: CM-03
    title: Period close locks
    tests: [{ suite: "close.*" }]
`
const REPORT_A = `<?xml version="1.0"?>
<testsuite name="posting"><testcase name="balances [CM-01]"/><testcase name="rejects unbalanced [CM-01]"/></testsuite>
`
const REPORT_B = `<testsuite name="close.PeriodTest"><testcase name="locks"><failure message="period still open"/></testcase></testsuite>
`
const NOW = '2026-11-22T12:00:00Z'

function bundleOf(dir: string, evidence = 'ev'): ReturnType<typeof runCli> {
  return runCli(['check', '--now', NOW, '--evidence', evidence], dir)
}

/** Every file below `dir`, relative, `/`-separated, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort()
}

describe('the evidence bundle (SPEC §6)', () => {
  test('has the layout of SPEC §6 and a manifest that hashes every other file', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B })
    const r = bundleOf(dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^evidence: ev \(10 files, manifest sha256 [0-9a-f]{64}\)$/m)
    const ev = path.join(dir, 'ev')
    expect(listFiles(ev)).toEqual([
      'controls.csv',
      'decision.json',
      'failures.csv',
      'inputs/control-map.yml',
      'inputs/reports/001-a.xml',
      'inputs/reports/002-b.xml',
      'manifest.json',
      'oscal/assessment-results.json',
      'report.html',
      'summary.md'
    ].concat().sort())
    const manifest = JSON.parse(readFileSync(path.join(ev, 'manifest.json'), 'utf8'))
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(listFiles(ev).filter((f) => f !== 'manifest.json'))
    for (const f of manifest.files) {
      const bytes = readFileSync(path.join(ev, f.path))
      expect({ path: f.path, sha256: sha256(bytes), size: bytes.length }).toEqual(f)
    }
    expect(manifest.tool).toEqual({ name: 'sox-gate', version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version })
    expect(manifest.controlMap).toEqual({ path: '.github/sox-controls.yml', sha256: sha256(MAP), size: Buffer.byteLength(MAP), bundlePath: 'inputs/control-map.yml' })
    expect(manifest.reports.map((x: { path: string; sha256: string; size: number; format: string; cases: number }) => [x.path, x.sha256, x.size, x.format, x.cases])).toEqual([
      ['reports/a.xml', sha256(REPORT_A), Buffer.byteLength(REPORT_A), 'junit', 2],
      ['reports/b.xml', sha256(REPORT_B), Buffer.byteLength(REPORT_B), 'junit', 1]
    ])
    // One map and no change record: SOX-GATE-INTEGRITY is a row all the same, trusting the map as given.
    expect(manifest.controls).toEqual([
      { id: 'SOX-GATE-INTEGRITY', status: 'pass', tests: { matched: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 }, matchedTests: [] },
      { id: 'CM-01', status: 'pass', tests: { matched: 2, passed: 2, failed: 0, skipped: 0, flaky: 0 }, matchedTests: ['posting › balances [CM-01]', 'posting › rejects unbalanced [CM-01]'] },
      { id: 'CM-03', status: 'fail', tests: { matched: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 }, matchedTests: ['close.PeriodTest › locks'] }
    ])
    expect(manifest).toMatchObject({ manifestVersion: 2, decision: 'block', evaluatedAt: '2026-11-22T12:00:00.000Z', mode: 'enforce', change: null, redactions: { card: 0, ssn: 0, iban: 0, email: 0, secret: 0 } })
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema/manifest.schema.json'), 'utf8'))
    const ajv = new Ajv2020({ strict: false })
    addFormats(ajv)
    expect(ajv.validate(schema, manifest) ? [] : ajv.errors).toEqual([])
    expect(JSON.parse(readFileSync(path.join(ev, 'decision.json'), 'utf8'))).toMatchObject({ decision: 'block', mode: 'enforce' })
  })

  test('same inputs and same --now give a byte-identical bundle', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B })
    bundleOf(dir, 'one')
    bundleOf(dir, 'two')
    const one = listFiles(path.join(dir, 'one'))
    expect(listFiles(path.join(dir, 'two'))).toEqual(one)
    for (const f of one) expect(readFileSync(path.join(dir, 'two', f)).equals(readFileSync(path.join(dir, 'one', f)))).toBe(true)
  })

  test('a previous bundle in the directory is replaced; foreign files are never deleted nor overwritten', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B, 'mine/notes.txt': 'keep me', 'theirs/summary.md': 'their own summary' })
    expect(bundleOf(dir).code).toBe(1)
    expect(bundleOf(dir).code).toBe(1)
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
    // A folder with the user's files takes the bundle beside them.
    expect(bundleOf(dir, 'mine').code).toBe(1)
    expect(readFileSync(path.join(dir, 'mine/notes.txt'), 'utf8')).toBe('keep me')
    expect(readFileSync(path.join(dir, 'mine/manifest.json'), 'utf8')).toContain('"name": "sox-gate"')
    // A file of the user's where the bundle would write one is never overwritten.
    const r = bundleOf(dir, 'theirs')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${path.join(dir, 'theirs')} summary.md already exists and is not a file of an earlier sox-gate bundle: not overwritten`)
    expect(readFileSync(path.join(dir, 'theirs/summary.md'), 'utf8')).toBe('their own summary')
  })

  test('controls.csv is RFC 4180: CRLF, quoted fields, formula cells neutralised', () => {
    const map = MAP.replace('title: Entries balance', 'title: "=HYPERLINK(\\"x\\"), \\"quoted\\""')
    const dir = workspace({ '.github/sox-controls.yml': map, 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B })
    bundleOf(dir)
    const csv = readFileSync(path.join(dir, 'ev/controls.csv'), 'utf8')
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('control_id,title,sox,type,key,owner,objective,risk,status,waiver,tests_matched,tests_passed,tests_failed,tests_skipped,tests_flaky,reasons,failing_tests')
    expect(lines[1]).toMatch(/^SOX-GATE-INTEGRITY,Nothing in the change loosens the rules it is judged by,,,yes,/)
    expect(lines[2]).toBe(`CM-01,"'=HYPERLINK(""x""), ""quoted""",,,yes,,,,pass,,2,2,0,0,0,2 of 2 matched tests passed (min-tests 1),`)
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n(?![^"]*"(?:[^"]*"[^"]*")*[^"]*$)/)
  })
})

describe('sox-gate verify: integrity and re-performance', () => {
  function freshBundle(): string {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B })
    bundleOf(dir)
    return path.join(dir, 'ev')
  }

  test('an intact bundle verifies (exit 0), even though its recorded decision is block', () => {
    const ev = freshBundle()
    const r = runCli(['verify', ev], path.dirname(ev))
    expect(r.stdout.split('\n').at(-2)).toBe(`intact: ${ev}: 10 files match manifest.json; re-performed decision BLOCK (2026-11-22T12:00:00.000Z) matches the record; not checked: manifest hash, run vs change record, signature`)
    expect(r.code).toBe(0)
  })

  test('changing one byte of a kept report is caught, naming the file', () => {
    const ev = freshBundle()
    const file = path.join(ev, 'inputs/reports/002-b.xml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('<failure message="period still open"/>', '<!-- ok -->'))
    const r = runCli(['verify', ev], ev)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^changed: inputs\/reports\/002-b\.xml \(sha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)$/m)
    // …and the re-performance on the doctored input no longer gives the recorded result.
    expect(r.stdout).toContain('re-performed decision ALLOW differs from the recorded BLOCK')
    expect(r.stdout).toContain('manifest control CM-03 status: recorded "fail", re-performance finds "pass"')
  })

  test.each([
    ['a byte of report.html', (ev: string) => appendFileSync(path.join(ev, 'report.html'), ' '), 'changed: report.html'],
    ['an added file', (ev: string) => writeFileSync(path.join(ev, 'extra.txt'), 'x'), 'added: extra.txt (not in manifest.json)'],
    ['a deleted file', (ev: string) => rmSync(path.join(ev, 'controls.csv')), 'missing: controls.csv'],
    ['the decision in manifest.json', (ev: string) => writeFileSync(path.join(ev, 'manifest.json'), readFileSync(path.join(ev, 'manifest.json'), 'utf8').replace('"decision": "block"', '"decision": "allow"')), 're-performed decision BLOCK differs from the recorded ALLOW'],
    ['a control status in manifest.json', (ev: string) => writeFileSync(path.join(ev, 'manifest.json'), readFileSync(path.join(ev, 'manifest.json'), 'utf8').replace('"status": "fail"', '"status": "pass"')), 'manifest control CM-03 status: recorded "pass", re-performance finds "fail"']
  ])('tampering with %s is caught', (_what, tamper, finding) => {
    const ev = freshBundle()
    tamper(ev)
    const r = runCli(['verify', ev], ev)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(finding)
    expect(r.stdout).toMatch(/NOT INTACT: \d+ findings? in /)
  })

  test('a manifest that is not one, and a directory that does not exist', () => {
    const ev = freshBundle()
    writeFileSync(path.join(ev, 'manifest.json'), '{"hello": 1}')
    const r = runCli(['verify', ev], ev)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('(not a sox-gate manifest)')
    const missing = runCli(['verify', 'nope'], ev)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^sox-gate: verify: no such directory "nope"/)
  })

  test('a bundle with a change record re-performs the approval from change.json', () => {
    const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', NOW, '--evidence', path.join(workspace({}), 'ev')], ROOT)
    expect(r.code).toBe(0)
    const ev = /^evidence: (\S+) /m.exec(r.stdout)?.[1] as string
    expect(runCli(['verify', ev], ROOT).code).toBe(0)
    const change = path.join(ev, 'change.json')
    // Forge the approval onto an older commit: the hash catches it, and so does re-performance.
    const original = readFileSync(change, 'utf8')
    const forged = original.replace(/"commitId": "4f1d2c3b5a69788796a5b4c3d2e1f00112233445"/g, '"commitId": "8e7d6c5b4a3928171605f4e3d2c1b0a987654321"')
    expect(forged).not.toBe(original)
    writeFileSync(change, forged)
    const v = runCli(['verify', ev], ROOT)
    expect(v.code).toBe(1)
    expect(v.stdout).toContain('changed: change.json')
    expect(v.stdout).toContain('manifest control CM-02 status: recorded "pass", re-performance finds "fail"')
  })
})

const OSCAL_SCHEMA = path.resolve(ROOT, '../shared/schemas/oscal_assessment-results_schema_v1.0.6.json')
describeWhen(existsSync(OSCAL_SCHEMA) ? undefined : '../shared/schemas is absent (the official OSCAL schema)')('OSCAL assessment-results', () => {
  const schemaFile = OSCAL_SCHEMA
  const maybe = test

  maybe('validates against the official NIST schema (v1.0.6, unicode regexps)', async () => {
    // The OSCAL schema is draft-07: ajv's default class.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true })
    addFormats(ajv as unknown as Ajv2020)
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')))
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('id: CM-03', 'id: 3-CM'), 'reports/a.xml': REPORT_A, 'reports/b.xml': REPORT_B.replace('close.PeriodTest', 'close.PeriodTest') })
    bundleOf(dir)
    const oscal = JSON.parse(readFileSync(path.join(dir, 'ev/oscal/assessment-results.json'), 'utf8'))
    expect(validate(oscal) ? [] : validate.errors).toEqual([])
    const result = oscal['assessment-results'].results[0]
    expect(result['reviewed-controls']['control-selections'][0]['include-controls']).toEqual([{ 'control-id': 'SOX-GATE-INTEGRITY' }, { 'control-id': 'CM-01' }, { 'control-id': 'c-3-CM' }])
    expect(result.title).toBe('SOX compliance gate: BLOCK')
    expect(result.findings.map((f: { target: { status: { state: string } } }) => f.target.status.state)).toEqual(['satisfied', 'satisfied', 'not-satisfied'])
    expect(result.observations[1].methods).toEqual(['TEST'])
    expect(result.observations[1]['relevant-evidence'].map((e: { href: string }) => e.href)).toEqual(['inputs/reports/001-a.xml', 'inputs/reports/002-b.xml'])
  })
})
