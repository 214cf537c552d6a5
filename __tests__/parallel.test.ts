import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describeCorpus, CORPUS } from './helpers/corpus.js'
import { runCli, workspace, type Ran } from './helpers/run.js'

// Many reports read on several threads (SOX_GATE_THREADS=N: the main thread and N - 1 workers,
// whatever the size) must give exactly what one thread gives: the same --format json bytes, the
// same evidence bundle, the same messages.

const NOW = ['--now', '2026-11-22T12:00:00Z']

const MAP = `version: 1
system: parallel
controls:
  - id: LOGIN
    title: Login is tested
    tests:
      - suite: "auth.*"
    flaky: fail
  - id: PAY
    title: Payments
    tests:
      - name: "*pays*"
    allow-skipped: false
  - id: TAGGED
    title: Tagged tests
    tests:
      - tag: TAGGED
    allow-skipped: true
    flaky: pass
  - id: EVERY
    title: Every shard test
    tests:
      - regex: "^case \\\\d+$"
    allow-skipped: true
    flaky: pass
`

type Case = { suite: string; name: string; status?: 'failure' | 'skipped' | 'error'; file?: string; tag?: boolean }

function junit(cases: Case[], suiteError = false): string {
  const bySuite = new Map<string, Case[]>()
  for (const c of cases) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), c])
  const suites = [...bySuite].map(([suite, list]) => {
    const body = list
      .map((c) => {
        const attrs = `classname="${suite}" name="${c.name}"${c.file ? ` file="${c.file}"` : ''} time="0.01"`
        const tag = c.tag ? '<properties><property name="control" value="TAGGED"/></properties>' : ''
        const outcome = c.status === 'skipped' ? '<skipped/>' : c.status ? `<${c.status} message="boom in ${c.name}">trace</${c.status}>` : ''
        return `    <testcase ${attrs}>${tag}${outcome}</testcase>`
      })
      .join('\n')
    return `  <testsuite name="${suite}" tests="${list.length}"${suiteError ? ' errors="1"' : ''}>\n${body}\n${suiteError ? '    <error message="suite setup crashed"/>\n' : ''}  </testsuite>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`
}

/** One shard's cases: its own tests, tests every shard re-runs, and a test found in two files. */
function shard(i: number, failAt: number | undefined): Case[] {
  const cases: Case[] = []
  for (let k = 0; k < 40; k++) cases.push({ suite: `shard${i}.Suite`, name: `case ${k}`, tag: k % 7 === 0 })
  cases.push({ suite: 'auth.Login', name: 'logs in', status: failAt === i ? 'failure' : undefined })
  cases.push({ suite: 'billing.Cart', name: 'pays by card', status: i === 2 ? 'skipped' : undefined })
  cases.push({ suite: 'billing.Cart', name: 'pays twice', file: i % 2 ? 'a.test.ts' : 'b.test.ts' })
  if (i === 3) cases.push({ suite: 'auth.Login', name: 'logs out', status: 'failure' }, { suite: 'auth.Login', name: 'logs out' })
  return cases
}

function files(n: number, failAt: number | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { 'sox-controls.yml': MAP }
  for (let i = 0; i < n; i++) out[`reports/r${String(i).padStart(2, '0')}.xml`] = junit(shard(i, failAt), i === 5 && n > 8)
  return { ...out, ...extra }
}

function check(dir: string, threads: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Ran {
  return runCli(['check', '--controls', 'sox-controls.yml', '--reports', 'reports/*', '--format', 'json', ...NOW, ...extra], dir, { SOX_GATE_THREADS: threads, ...env })
}

/** Every file of a directory tree, by relative path, as bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else out.set(path.relative(dir, full), readFileSync(full))
    }
  }
  walk(dir)
  return out
}

function expectSameTrees(a: string, b: string): void {
  const [ta, tb] = [tree(a), tree(b)]
  expect([...tb.keys()]).toEqual([...ta.keys()])
  for (const [rel, bytes] of ta) expect({ rel, same: bytes.equals(tb.get(rel) as Buffer) }).toEqual({ rel, same: true })
}

describe('worker threads give the one-thread result, byte for byte', () => {
  test('many reports: re-runs across files, a flaky re-run, a skip, a shared name, a crashed suite; json and evidence', () => {
    const one = workspace(files(12, undefined))
    const many = workspace(files(12, undefined))
    const a = check(one, '1', ['--evidence', 'evidence'])
    const b = check(many, '3', ['--evidence', 'evidence'])
    expect(a.code).toBe(1)
    const decision = JSON.parse(a.stdout)
    // Read by hand from the generator: shard 3 fails "logs out" then passes it (flaky: fail),
    // shard 2 skips "pays by card", which passes elsewhere (a pass anywhere beats a skip), and each of shard 5's three suites
    // has its own <error>: a crash, and a failed "(suite)" case per suite (auth.Login's is LOGIN's).
    const byId = Object.fromEntries(decision.controls.map((c: { id: string }) => [c.id, c]))
    expect(byId.LOGIN.reasons.map((r: { code: string }) => r.code)).toEqual(['tests-failed', 'tests-flaky', 'report-crashed'])
    expect(byId.LOGIN.reasons[0].tests).toMatchObject([{ name: 'auth.Login › (suite)', report: 'reports/r05.xml', message: 'suite setup crashed' }])
    expect(byId.PAY.tests).toEqual({ matched: 3, passed: 3, failed: 0, skipped: 0, flaky: 0 })
    expect(decision.totals.cases).toBe(12 * 43 + 2 + 3)
    expect(b).toEqual(a)
    expectSameTrees(path.join(one, 'evidence'), path.join(many, 'evidence'))
    const manifest = JSON.parse(readFileSync(path.join(many, 'evidence/manifest.json'), 'utf8'))
    expect(manifest.controls.find((c: { id: string }) => c.id === 'PAY').matchedTests).toEqual(['billing.Cart › pays by card', 'billing.Cart › pays twice (a.test.ts)', 'billing.Cart › pays twice (b.test.ts)'])
  })

  test.each([0, 1, 4, 7])('a failure in report %i of 8 blocks alike', (failAt) => {
    const dir = workspace(files(8, failAt))
    const a = check(dir, '1')
    const b = check(dir, '2')
    expect(a.code).toBe(1)
    const login = JSON.parse(a.stdout).controls.find((c: { id: string }) => c.id === 'LOGIN')
    expect(login.reasons[0]).toMatchObject({ code: 'tests-failed', tests: [{ name: 'auth.Login › logs in', report: `reports/r0${failAt}.xml` }] })
    expect(b).toEqual(a)
  })

  test('a malformed report among many: the same one-line message and exit 2', () => {
    const dir = workspace(files(6, undefined, { 'reports/r03.xml': '<testsuites><testsuite name="x"><testcase name="a">', 'reports/r04b.xml': '' }))
    const a = check(dir, '1')
    const b = check(dir, '4')
    expect(a.code).toBe(2)
    expect(a.stderr).toBe('reports/r03.xml:1:52 unclosed tag: testcase\nreports/r04b.xml empty report (0 bytes)\n')
    expect(b).toEqual(a)
  })

  test('a worker that throws outside any report read fails the run closed, naming the report', () => {
    const dir = workspace(files(6, undefined))
    // Two threads: the main one reads r00 and hands r01 and r02 to the one worker, which dies on r01.
    const r = check(dir, '2', [], { SOX_GATE_TEST_WORKER_CRASH: 'throw:reports/' })
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'reports/r01.xml the report could not be read: the worker thread reading it stopped (worker test crash), so nothing it read is used\n'
    })
  })

  test('a worker that dies while reading a report fails the run closed, naming the report', () => {
    const dir = workspace(files(6, undefined))
    const r = check(dir, '2', ['--evidence', 'evidence'], { SOX_GATE_TEST_WORKER_CRASH: 'reports/' })
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'reports/r01.xml the report could not be read: the worker thread reading it stopped (exit code 70), so nothing it read is used\n'
    })
    expect(readdirSync(dir)).not.toContain('evidence')
  })

  test('SOX_GATE_THREADS must be a whole number', () => {
    const dir = workspace(files(2, undefined))
    expect(check(dir, 'two')).toMatchObject({ code: 2, stderr: 'SOX_GATE_THREADS must be a whole number of threads, 1 or more (got "two")\n' })
  })
})

describeCorpus('worker threads on the real corpus (../shared/corpus): the same json and evidence', () => {
  const map = workspace({ 'map.yml': MAP.replace('tag: TAGGED', 'regex: "(?i)fail|error"') })
  const reports = ['*-xml/*', '*-json/*', 'tap/*', 'trx/*'].flatMap((g) => ['--reports', g])
  const run = (threads: string): { ran: Ran; evidence: string } => {
    const evidence = path.join(mkdtempSync(path.join(tmpdir(), 'sox-gate-ev-')), 'evidence')
    const ran = runCli(['check', '--controls', path.join(map, 'map.yml'), ...reports, '--format', 'json', ...NOW, '--evidence', evidence], CORPUS, { SOX_GATE_THREADS: threads })
    return { ran: { ...ran, stdout: ran.stdout.replace(JSON.stringify(evidence), '"EVIDENCE"') }, evidence }
  }

  test('every readable corpus report at once, one thread against three workers', () => {
    const a = run('1')
    const b = run('3')
    expect(a.ran.code).toBe(1)
    expect(JSON.parse(a.ran.stdout).reports.length).toBeGreaterThan(100)
    expect(b.ran).toEqual(a.ran)
    expectSameTrees(a.evidence, b.evidence)
  })

  test('each malformed corpus report among good ones gives the one-thread message', () => {
    const dir = path.join(CORPUS, 'malformed')
    for (const f of readdirSync(dir).sort()) {
      const args = ['check', '--controls', path.join(map, 'map.yml'), '--reports', 'tap/*', '--reports', `malformed/${f}`, '--format', 'json', ...NOW]
      const a = runCli(args, CORPUS, { SOX_GATE_THREADS: '1' })
      const b = runCli(args, CORPUS, { SOX_GATE_THREADS: '2' })
      expect({ f, ...b }).toEqual({ f, ...a })
    }
  })
})
