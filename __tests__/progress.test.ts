import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { BASE_SHA, ghCommit, ghPull, ghReview, WEB_FLOW, type Scenario } from './helpers/fake-github.js'
import { NODE, ROOT } from './helpers/corpus.js'
import { runGateScenario } from './helpers/gate-run.js'
import { runCli, workspace } from './helpers/run.js'

// Long runs say how far they are (issue 15): a line every few seconds while reading, in the
// action's log inside a group per phase; in the CLI on stderr when it is a terminal, never stdout.
// SOX_GATE_PROGRESS_MS shortens the interval so that a run of a second prints several lines.

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ suite: "posting*" }] }
`
const CASES_PER_REPORT = 20_000
/** Report n: one suite of CASES_PER_REPORT passing cases (about 1.3 MB). */
const report = (n: number): string => {
  const cases = Array.from({ length: CASES_PER_REPORT }, (_, i) => `  <testcase classname="ledger.Posting${n}" name="balances entry number ${i} of a long batch"/>`)
  return `<testsuite name="posting-${n}">\n${cases.join('\n')}\n</testsuite>\n`
}
const REPORTS = { 'reports/a.xml': report(1), 'reports/b.xml': report(2), 'reports/c.xml': report(3) }
const TOTAL_MB = (Object.values(REPORTS).reduce((n, r) => n + Buffer.byteLength(r), 0) / 1e6).toFixed(1)
const progressLine = (files: number): RegExp => new RegExp(`^reading reports: [0-${files}] of ${files} files, \\d+\\.\\d of (\\d+\\.\\d) MB, [\\d,]+ cases \\(\\d+ s\\)$`)

const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const alice = { name: 'Alice', email: 'alice@acme.example', login: 'alice' }
const scenario: Scenario = { pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('carol', 'APPROVED', HEAD, '2026-11-20T10:00:00Z')], commits: [ghCommit(HEAD, alice, WEB_FLOW, 'post')] } } }
const payload = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }

describe('progress while reading reports', () => {
  test('the action: a group per phase, progress lines inside "Reading reports", and the total when done', async () => {
    const r = await runGateScenario(scenario, { map: MAP, report: report(0).replace('posting-0', 'other'), payload, sha: HEAD, workspaceFiles: REPORTS, env: { SOX_GATE_PROGRESS_MS: '1', SOX_GATE_THREADS: '1' } })
    await r.server.close()
    expect(r.outputs.decision).toBe('allow')
    const lines = r.stdout.split('\n')
    const groups = lines.filter((l) => l.startsWith('::group::')).map((l) => l.slice('::group::'.length))
    expect(groups).toEqual(['Trust: the judging control map, the change and its range', 'Report artifacts', 'Reading reports', 'Evidence', 'Check run'])
    expect(lines.filter((l) => l === '::endgroup::')).toHaveLength(groups.length)
    const reading = lines.slice(lines.indexOf('::group::Reading reports'), lines.indexOf('::endgroup::', lines.indexOf('::group::Reading reports')))
    const progress = reading.filter((l) => l.startsWith('reading reports:'))
    expect(progress.length).toBeGreaterThan(0)
    for (const l of progress) expect(l).toMatch(progressLine(4))
    // Four reports (r.xml and three more): 20,000 cases each, except r.xml's own.
    const bytes = ['reports/r.xml', ...Object.keys(REPORTS)].reduce((n, f) => n + statSync(path.join(r.dir, f)).size, 0)
    expect(reading).toContainEqual(expect.stringMatching(new RegExp(`^read 4 reports, ${(bytes / 1e6).toFixed(1).replace('.', '\\.')} MB, 80,000 cases in \\d+\\.\\d s$`)))
    // Nothing about progress outside the reading group.
    expect(lines.filter((l) => l.startsWith('reading reports:')).length).toBe(progress.length)
  })

  test('the CLI: piped, stderr says nothing of progress', () => {
    const dir = workspace({ 'sox-controls.yml': MAP, ...REPORTS })
    const r = runCli(['check', '--controls', 'sox-controls.yml', '--format', 'json'], dir, { SOX_GATE_PROGRESS_MS: '1' })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: 'allow' })
  })

  test('the CLI: on a terminal, progress lines on stderr; stdout keeps only the result', () => {
    const dir = workspace({ 'sox-controls.yml': MAP, ...REPORTS })
    // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr stays on the terminal.
    const command = `'${NODE}' '${path.join(ROOT, 'dist/cli.js')}' check --controls sox-controls.yml --format json > out.json`
    const terminal = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { PATH: process.env.PATH, SOX_GATE_PROGRESS_MS: '1', SOX_GATE_THREADS: '1' }, encoding: 'utf8' })
    const lines = terminal.split(/\r?\n/).filter((l) => l !== '')
    const progress = lines.filter((l) => l.startsWith('reading reports:'))
    expect(progress.length).toBeGreaterThan(0)
    for (const l of progress) expect(l.match(progressLine(3))?.[1]).toBe(TOTAL_MB)
    expect(lines.at(-1)).toMatch(new RegExp(`^read 3 reports, ${TOTAL_MB.replace('.', '\\.')} MB, 60,000 cases in \\d+\\.\\d s$`))
    const out = readFileSync(path.join(dir, 'out.json'), 'utf8')
    expect(out).not.toContain('reading reports')
    expect(JSON.parse(out)).toMatchObject({ decision: 'allow', totals: { cases: 60_000 } })
  })
})
