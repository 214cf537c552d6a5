import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 22, item 2, from the attacker's side: a stale report committed to a repository that is
 * checked out into a subfolder of the workspace (actions/checkout with `path:`, a nested
 * checkout) must be refused as a committed one is at the top. Real `git init` repositories.
 */

const MAP = (glob: string): string => `version: 1
system: ledger-service
reports: ["${glob}"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>\n'
const NOW = '2026-11-22T12:00:00Z'
const REFUSED = 'refused: this report is committed to the repository (tracked by git at the evaluated commit)'
const check = (dir: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof runCli> => runCli(['check', '--now', NOW, '--evidence', 'ev'], dir, env)

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
}

/** `git init` in `dir` (made if missing) and commit `files` (path → text, relative to it). */
function repo(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  git(dir, 'init', '-q')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'committed')
}

describe('a report committed to a repository checked out below the workspace is refused (SPEC §11)', () => {
  test('actions/checkout with path: app — the workspace is no repository, app/ is, and its report is committed', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('app/reports/*.xml') })
    repo(path.join(ws, 'app'), { 'src/posting.ts': 'export {}\n', 'reports/r.xml': REPORT })
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`app/reports/r.xml ${REFUSED}, so it proves nothing about this run; set \`committed-reports: allow\` in the control map to read committed reports\n`)
    expect(existsSync(path.join(ws, 'ev'))).toBe(false)
  })

  test('the same checkout with the report produced by this run (untracked, or ignored) reads', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('app/reports/*.xml') })
    repo(path.join(ws, 'app'), { 'src/posting.ts': 'export {}\n', '.gitignore': 'reports/ignored.xml\n' })
    writeFileSync(path.join(ws, 'app/reports.keep'), '')
    mkdirSync(path.join(ws, 'app/reports'))
    writeFileSync(path.join(ws, 'app/reports/fresh.xml'), REPORT)
    writeFileSync(path.join(ws, 'app/reports/ignored.xml'), REPORT)
    expect(check(ws).code).toBe(0)
  })

  test('a repository nested in the workspace repository (not tracked by it): its committed report is refused', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('vendor/svc/out/*.xml'), '.gitignore': 'vendor/\nev/\n' })
    repo(ws, {})
    repo(path.join(ws, 'vendor/svc'), { 'out/r.xml': REPORT })
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`vendor/svc/out/r.xml ${REFUSED}`)
  })

  test('a report in a plain subfolder (no repository) of a workspace that is one: the workspace repository is asked', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('sub/reports/*.xml'), 'sub/reports/old.xml': REPORT })
    repo(ws, {})
    writeFileSync(path.join(ws, 'sub/reports/new.xml'), REPORT)
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`sub/reports/old.xml ${REFUSED}, so it proves nothing about this run; set \`committed-reports: allow\` in the control map to read committed reports\n`)
  })

  test('every repository between the report and the workspace is asked: one in the middle that tracks it refuses it', () => {
    // The workspace is no repository; a/ is one that committed b/reports/r.xml; a/b/ became a repository of its own later.
    const ws = workspace({ '.github/sox-controls.yml': MAP('a/b/reports/*.xml') })
    repo(path.join(ws, 'a'), { 'b/reports/r.xml': REPORT })
    repo(path.join(ws, 'a/b'), { 'README.md': '# b\n' })
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`a/b/reports/r.xml ${REFUSED}`)
  })

  test('GIT_DIR in the environment (pointing at the outer repository) does not hide the nested repository', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('app/reports/*.xml'), '.gitignore': 'app/\nev/\n' })
    repo(ws, {})
    repo(path.join(ws, 'app'), { 'reports/r.xml': REPORT })
    const r = check(ws, { GIT_DIR: path.join(ws, '.git'), GIT_WORK_TREE: ws })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`app/reports/r.xml ${REFUSED}`)
  })

  test('a nested folder that looks like a work tree but git cannot read: the run fails, naming it (never "nothing is committed")', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('app/reports/*.xml'), 'app/.git': 'gitdir: /nonexistent/worktree\n', 'app/reports/r.xml': REPORT })
    const r = check(ws)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/app cannot ask git which reports are committed: fatal: not a git repository/)
  })

  test('committed-reports: allow reads a nested repository\'s committed report', () => {
    const ws = workspace({ '.github/sox-controls.yml': MAP('app/reports/*.xml') + 'committed-reports: allow\n' })
    repo(path.join(ws, 'app'), { 'reports/r.xml': REPORT })
    expect(check(ws).code).toBe(0)
  })
})
