import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli, workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = `<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>
`
// What lies outside the workspace must never be read, shown or kept.
const OUTSIDE = `<testsuite name="stolen"><testcase name="outside-only-marker [CM-01]"/></testsuite>
`
const NOW = '2026-11-22T12:00:00Z'
const check = (dir: string, extra: string[] = []): ReturnType<typeof runCli> => runCli(['check', '--now', NOW, '--evidence', 'ev', ...extra], dir)

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
}

/** A workspace `ws` inside a parent folder that also holds a report outside it. */
function nested(files: Record<string, string>): { ws: string; outside: string } {
  const parent = workspace({ 'outside/stolen.xml': OUTSIDE })
  const ws = path.join(parent, 'ws')
  mkdirSync(ws)
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws, name)), { recursive: true })
    writeFileSync(path.join(ws, name), content)
  }
  return { ws, outside: path.join(parent, 'outside/stolen.xml') }
}

function expectRefusedNowhere(r: ReturnType<typeof runCli>, ws: string): void {
  expect(r.code).toBe(2)
  expect(r.stdout + r.stderr).not.toContain('outside-only-marker')
  expect(existsSync(path.join(ws, 'ev'))).toBe(false)
}

describe('inputs stay inside the workspace (SPEC §11)', () => {
  test('a report that is a symlink to a file outside the workspace is refused, naming it', () => {
    const { ws, outside } = nested({ '.github/sox-controls.yml': MAP, 'reports/ok.xml': REPORT })
    symlinkSync(outside, path.join(ws, 'reports/link.xml'))
    const r = check(ws)
    expectRefusedNowhere(r, ws)
    expect(r.stderr).toContain(`reports/link.xml refused: its real path ${outside} is outside the workspace`)
  })

  test('a symlinked folder reaching out of the workspace is refused too', () => {
    const { ws, outside } = nested({ '.github/sox-controls.yml': MAP.replace('reports/*.xml', 'reports/**/*.xml'), 'reports/ok.xml': REPORT })
    symlinkSync(path.dirname(outside), path.join(ws, 'reports/more'))
    const r = check(ws)
    expectRefusedNowhere(r, ws)
    expect(r.stderr).toContain('reports/more/stolen.xml refused: its real path')
  })

  test('a ../ glob and an absolute glob outside the workspace are refused', () => {
    const { ws, outside } = nested({ '.github/sox-controls.yml': MAP, 'reports/ok.xml': REPORT })
    const up = check(ws, ['--reports', '../outside/*.xml'])
    expectRefusedNowhere(up, ws)
    expect(up.stderr).toContain('../outside/stolen.xml refused: its real path')
    const abs = check(ws, ['--reports', path.join(path.dirname(outside), '*.xml')])
    expectRefusedNowhere(abs, ws)
    expect(abs.stderr).toContain(`${outside} refused: its real path ${outside} is outside the workspace`)
  })

  test('an absolute glob inside the workspace reads, shown relative to it; a symlink within the workspace reads', () => {
    const { ws } = nested({ '.github/sox-controls.yml': MAP, 'reports/ok.xml': REPORT })
    symlinkSync(path.join(ws, 'reports/ok.xml'), path.join(ws, 'reports/alias.xml'))
    const r = runCli(['check', '--now', NOW, '--format', 'json', '--reports', path.join(ws, 'reports/*.xml')], ws)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).reports.map((x: { path: string }) => x.path)).toEqual(['reports/alias.xml', 'reports/ok.xml'])
  })
})

describe('a report committed to the repository proves nothing about this run (SPEC §11)', () => {
  test('a report tracked by git at the evaluated commit is refused, naming it; untracked and ignored ones read', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP, 'reports/committed.xml': REPORT, '.gitignore': 'reports/ignored.xml\nev/\n' })
    git(ws, 'init', '-q')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'reports committed by mistake')
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('reports/committed.xml refused: this report is committed to the repository (tracked by git at the evaluated commit)')
    expect(existsSync(path.join(ws, 'ev'))).toBe(false)
    // Produced by this run (untracked or ignored): read.
    git(ws, 'rm', '-q', '--cached', 'reports/committed.xml')
    git(ws, 'commit', '-qm', 'untrack')
    writeFileSync(path.join(ws, 'reports/ignored.xml'), REPORT)
    expect(check(ws).code).toBe(0)
    expect(JSON.parse(readFileSync(path.join(ws, 'ev/manifest.json'), 'utf8')).reports.map((x: { path: string }) => x.path)).toEqual(['reports/committed.xml', 'reports/ignored.xml'])
  })

  test('an untracked symlink to a committed report is refused as well', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP.replace('reports/*.xml', 'out/*.xml'), 'fixtures/old.xml': REPORT })
    git(ws, 'init', '-q')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'fixtures')
    mkdirSync(path.join(ws, 'out'))
    symlinkSync(path.join(ws, 'fixtures/old.xml'), path.join(ws, 'out/r.xml'))
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('out/r.xml refused: this report is committed to the repository')
  })

  test('committed-reports: allow reads them; any other value is a map error with its position', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP + 'committed-reports: allow\n', 'reports/committed.xml': REPORT })
    git(ws, 'init', '-q')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'fixtures on purpose')
    expect(check(ws).code).toBe(0)
    writeFileSync(path.join(ws, '.github/sox-controls.yml'), MAP + 'committed-reports: yes\n')
    const bad = runCli(['validate'], ws)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^\.github\/sox-controls\.yml:6:\d+ .*committed-reports/m)
  })
})

test('inside what looks like a git work tree, a git that cannot answer fails the run (never "nothing is committed")', () => {
  const ws = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT, '.git': 'gitdir: /nonexistent/worktree\n' })
  const r = check(ws)
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('cannot ask git which reports are committed: fatal: not a git repository')
  expect(existsSync(path.join(ws, 'ev'))).toBe(false)
})
