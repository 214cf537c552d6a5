import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runAction } from './helpers/action.js'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    key: true
    tests: [{ tag: CM-01 }]
  - id: CM-03
    title: Period close | locks
    tests: [{ suite: "close.*" }]
`
const PASSING = `<testsuites>
  <testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>
  <testsuite name="close.PeriodTest"><testcase name="locks"/></testsuite>
</testsuites>`
const FAILING = PASSING.replace('<testcase name="locks"/>', '<testcase name="locks"><failure message="period &lt;2026-10&gt; still open"/></testcase>')

describe('the bundled action (dist/index.js) as the runner runs it', () => {
  test('allow: outputs, a job summary table, exit 0', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'control-map': '.github/sox-controls.yml', mode: 'enforce', 'upload-evidence': 'false' })
    expect(r.code).toBe(0)
    const manifest = readFileSync(path.join(dir, 'sox-evidence/manifest.json'))
    // Three controls: the map's two and SOX-GATE-INTEGRITY (no protected path changed).
    expect(r.outputs).toEqual({
      decision: 'allow',
      passed: '3',
      failed: '0',
      waived: '0',
      emergency: 'false',
      'check-run-url': 'https://github.com/acme/ledger/runs/7000000',
      'evidence-dir': path.join(dir, 'sox-evidence'),
      'evidence-sha256': createHash('sha256').update(manifest).digest('hex')
    })
    expect(r.summary).toContain('**ALLOW: 3 of 3 controls passed, 0 failed, 0 waived**')
    expect(r.summary).toContain('| 🔑 **SOX-GATE-INTEGRITY** Nothing in the change loosens the rules it is judged by | ✅ PASS | — | no protected path changed (1 file checked against 8 protected globs)')
    expect(r.summary).toContain('| Control | Status | Tests | Reason |')
    expect(r.summary).toContain('| 🔑 **CM-01** Entries balance | ✅ PASS | 1/1 passed | 1 of 1 matched tests passed (min-tests 1) |')
    expect(r.summary).toContain('**CM-03** Period close \\| locks')
  })

  test('block: step fails (exit 1), decision=block, an error annotation at the control map line', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': FAILING })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ decision: 'block', passed: '2', failed: '1', waived: '0' })
    expect(r.stdout).toContain('::error title=SOX control CM-03 failed,file=.github/sox-controls.yml,line=9::CM-03: 1 of 1 matched tests failed: close.PeriodTest › locks\n')
    expect(r.stdout).toContain('::error::SOX compliance gate: BLOCK: 2 of 3 controls passed, 1 failed, 0 waived')
    // Failing controls come first in the summary, so a long table opens on what blocks.
    expect(r.summary.indexOf('CM-03')).toBeLessThan(r.summary.indexOf('CM-01'))
    expect(r.summary).toContain('❌ FAIL')
  })

  test('report-only: same decision recorded, step passes with a warning', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': FAILING })
    const r = await runActionInPullRequest(dir, { mode: 'report-only', 'upload-evidence': 'false' })
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('::warning::SOX compliance gate (report-only, not enforced): BLOCK')
  })

  test('the reports input overrides the map, one glob per line with ! excludes', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'out/good.xml': PASSING, 'out/bad.xml': FAILING })
    const r = await runActionInPullRequest(dir, { reports: 'out/*.xml\n!out/bad.xml', 'upload-evidence': 'false' })
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
  })

  test('configuration error: exit 2, decision stays block, annotated with file, line and column', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('id: CM-03', 'id: CM-01'), 'reports/a.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    expect(r.outputs).toEqual({ decision: 'block', 'check-run-url': 'https://github.com/acme/ledger/runs/7000000' })
    expect(r.stdout).toContain('::error title=sox-gate configuration error,file=.github/sox-controls.yml,line=9,col=5::duplicate control id "CM-01" (first defined at line 5)')
    expect(r.summary).toContain('## ⛔ SOX compliance gate — configuration error')
    expect(r.summary).toContain('- `.github/sox-controls.yml:9:5 duplicate control id "CM-01" (first defined at line 5)`')
  })

  test('a report that is missing is a configuration error, never an allow', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('reports glob \\"reports/*.xml\\" matched no file'.replace(/\\"/g, '"'))
  })

  test('invalid inputs are reported together', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': PASSING })
    const r = await runActionInPullRequest(dir, { mode: 'audit', 'upload-evidence': 'maybe', 'retention-days': '400' })
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('input mode must be "enforce" or "report-only", not "audit"')
    expect(r.stdout).toContain('input upload-evidence must be true or false, not "maybe"')
    expect(r.stdout).toContain('input retention-days must be a whole number from 1 to 90, not "400"')
    // No file to point at: the message alone, in the log, the annotation and the summary.
    expect(r.stdout).toContain('::error title=sox-gate configuration error::input mode must be "enforce" or "report-only", not "audit"')
    expect(r.stdout).not.toContain('action inputs')
    expect(r.summary).toContain('- `input mode must be "enforce" or "report-only", not "audit"`')
  })

  test('booleans as core.getBooleanInput takes them: true/True/TRUE, false/False/FALSE, nothing else', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': PASSING })
    for (const word of ['yes', 'on', 'no', 'off', '1']) {
      const r = await runActionInPullRequest(dir, { 'upload-evidence': word })
      expect(r.code).toBe(2)
      expect(r.stdout).toContain(`input upload-evidence must be true or false, not "${word}"`)
    }
    expect((await runActionInPullRequest(dir, { 'upload-evidence': 'FALSE' })).code).toBe(0)
  })
})

describe('the trusted map cannot come from the workspace alone', () => {
  test('outside GitHub Actions (no GITHUB_REPOSITORY): exit 2, block, never an evaluation of the workspace map', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': PASSING })
    const r = await runAction(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    expect(r.outputs).toEqual({ decision: 'block' })
    expect(r.stdout).toContain('not running in GitHub Actions (GITHUB_REPOSITORY is not set): the change and its trusted control map cannot be read')
  })

  test('no github-token: exit 2, block', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/a.xml': PASSING, 'e.json': '{}' })
    const r = await runAction(dir, { 'upload-evidence': 'false' }, { GITHUB_REPOSITORY: 'acme/ledger', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path.join(dir, 'e.json') })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('no github-token: the change and its trusted control map cannot be read')
  })
})
