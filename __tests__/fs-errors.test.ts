import { describeWhen } from './helpers/prerequisites.js'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { NODE, ROOT } from './helpers/corpus.js'
import { runCli, workspace, type Ran } from './helpers/run.js'

/*
 * Issue 22, item 7: a file-system problem — of the runner's disk, or of a path the user chose —
 * is a configuration error, one line naming the path, exit 2; never "internal error: EACCES …",
 * and never a loop without a bound (an evidence-dir under /proc used to spin for ever).
 *
 * The tests run as root, whom permissions do not stop. So: paths that fail for root too (/proc,
 * /sys, a file where a folder belongs), and, where the kernel lets us, real permission and disk
 * errors in throw-away namespaces — `unshare -U` runs the gate as an unprivileged user (EACCES),
 * `unshare -m` mounts a private tmpfs that is read-only (EROFS) or tiny (ENOSPC). Where unshare
 * is refused, those tests are skipped, saying so in their name.
 */

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>\n'
const NOW = '2026-11-22T12:00:00Z'
/** A report of 200 KB: more than the 64 KB file systems below hold. */
const BIG = `<testsuite name="posting"><testcase name="balances [CM-01]"><system-out>${'x'.repeat(200_000)}</system-out></testcase></testsuite>\n`
const gate = (files: Record<string, string> = {}): string => workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT, ...files })

/** One line on stderr, exit 2, no stack, no "internal error", and quick (no retry loop). */
function expectOneLine(r: Ran & { ms?: number }, line: string): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `${line}\n` })
  if (r.ms !== undefined) expect(r.ms).toBeLessThan(15_000)
}

function timedCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Ran & { ms: number } {
  const started = Date.now()
  const r = runCli(args, cwd, env)
  return { ...r, ms: Date.now() - started }
}

/** The CLI under `unshare ARGS…` (a shell line may come before the node command). */
function cliUnder(unshare: string[], shell: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync('unshare', [...unshare, 'sh', '-c', `${shell} exec "$0" "$@"`, NODE, path.join(ROOT, 'dist/cli.js'), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 60_000 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

const canUnshare = (args: string[]): boolean => spawnSync('unshare', [...args, 'true']).status === 0
const USERS = canUnshare(['-U'])
const MOUNTS = canUnshare(['-m']) && spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt']).status === 0
const describeUsers = describeWhen(USERS ? undefined : 'unshare -U is refused here (no unprivileged user namespaces)')
const describeMounts = describeWhen(MOUNTS ? undefined : 'unshare -m with a tmpfs mount is refused here (no private mount namespaces)')

/** Opens a workspace to the unprivileged user of `unshare -U` (it maps to nobody, who is not the owner). */
function openToAll(dir: string): void {
  chmodSync(dir, 0o777)
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name)
    chmodSync(full, statSync(full).isDirectory() ? 0o777 : 0o666)
  }
}

describe('paths that fail for anyone, root included (CLI)', () => {
  test('--evidence under /proc: one line, at once (it used to spin at 70 % CPU for ever)', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', '/proc/sox-evidence'], gate()), '/proc/sox-evidence: cannot create the folder: no such file')
  })

  test('--evidence under /proc/self (a link the runner owns, above the folder we make): one line', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', '/proc/self/sox-evidence'], gate()), '/proc/self/sox-evidence: cannot create the folder: no such file')
  })

  test('--evidence under /sys: EPERM said in words', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', '/sys/sox-evidence'], gate()), '/sys/sox-evidence: cannot create the folder: operation not permitted')
  })

  test('--evidence below a file (ENOTDIR): one line naming the path', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', '/dev/null/sox-evidence'], gate()), '/dev/null/sox-evidence: cannot look at the folder: a part of the path is a file, not a folder')
  })

  test('--evidence through a file of the workspace: the file is named', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', 'reports/r.xml/ev'], gate()), 'reports/r.xml is not a folder: the evidence bundle needs a folder there (remove it, or choose another evidence-dir)')
  })

  test('TMPDIR where no folder can be made (the spool of masked copies): one line naming it', () => {
    expectOneLine(timedCli(['check', '--now', NOW, '--evidence', 'ev'], gate(), { TMPDIR: '/proc' }), '/proc cannot make a temporary folder for the masked copies of the reports (set TMPDIR to a writable folder): no such file')
  })

  test('a control map that is a loop of links (ELOOP): one line naming it', () => {
    const dir = gate()
    symlinkSync('loop.yml', path.join(dir, 'loop.yml'))
    expectOneLine(timedCli(['check', '--controls', 'loop.yml'], dir), 'loop.yml cannot read the control map: is a symbolic link (or a loop of them)')
  })

  test('a control map that is a folder (EISDIR), a change record below a file (ENOTDIR)', () => {
    expectOneLine(timedCli(['check', '--controls', 'reports'], gate()), 'reports cannot read the control map: is a directory')
    expectOneLine(timedCli(['check', '--change', 'reports/r.xml/change.json'], gate()), 'reports/r.xml/change.json cannot read the change record: a part of the path is a file, not a folder')
  })
})

describeUsers(`as an unprivileged user (unshare -U${USERS ? '' : ': not permitted here, skipped'}): EACCES`, () => {
  test('an unreadable report: one line naming it, not "internal error: EACCES"', () => {
    const dir = gate()
    openToAll(dir)
    chmodSync(path.join(dir, 'reports/r.xml'), 0o000)
    const r = cliUnder(['-U'], '', ['check', '--now', NOW], dir)
    expectOneLine(r, 'reports/r.xml cannot read the report: permission denied')
  })

  test('an evidence-dir in a folder the user cannot write: one line naming it', () => {
    const dir = gate()
    mkdirSync(path.join(dir, 'locked'))
    openToAll(dir)
    chmodSync(path.join(dir, 'locked'), 0o555)
    const r = cliUnder(['-U'], '', ['check', '--now', NOW, '--evidence', 'locked/ev'], dir)
    expectOneLine(r, 'locked/ev: cannot create the folder: permission denied')
  })

  test('the action, with an unreadable report: exit 2, one error naming the report', async () => {
    const dir = gate()
    // The runner's files (outputs, summary, event) are written by the action: open to the unprivileged user, but not the report.
    const beforeRun = (d: string): void => {
      openToAll(d)
      chmodSync(path.join(d, 'reports/r.xml'), 0o000)
    }
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' }, {}, { wrap: ['unshare', '-U'], beforeRun })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).not.toContain('internal error')
    // The annotation on the report, and the step's failure: both say it in the same words.
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^::error title=sox-gate configuration error,file=reports\/r\.xml::cannot read the report: permission denied$/)
    expect(errors[1]).toBe('::error::sox-gate could not evaluate the change (configuration error):%0Areports/r.xml cannot read the report: permission denied')
  })
})

describeMounts(`on a private tmpfs (unshare -m${MOUNTS ? '' : ': not permitted here, skipped'}): EROFS and ENOSPC`, () => {
  test('evidence-dir on a read-only file system: one line naming it', () => {
    const dir = gate()
    mkdirSync(path.join(dir, 'ro'))
    const r = cliUnder(['-m'], 'mount -t tmpfs -o ro tmpfs ro &&', ['check', '--now', NOW, '--evidence', 'ro/ev'], dir)
    expectOneLine(r, 'ro/ev: cannot create the folder: the file system is read-only')
  })

  test('evidence-dir on a full disk: the file that did not fit is named', () => {
    // 200 KB of report on a 64 KB file system: the report's copy cannot be written.
    const dir = gate({ 'reports/r.xml': BIG })
    mkdirSync(path.join(dir, 'small'))
    const r = cliUnder(['-m'], 'mount -t tmpfs -o size=64k tmpfs small &&', ['check', '--now', NOW, '--evidence', 'small/ev'], dir)
    expectOneLine(r, "small/ev/inputs/reports/001-r.xml: cannot write the evidence bundle's file: no space left on the device")
  })

  test('a full temporary disk while a report is spooled: one line, not an internal error', () => {
    const dir = gate({ 'reports/r.xml': BIG })
    mkdirSync(path.join(dir, 'tmp'))
    const r = cliUnder(['-m'], 'mount -t tmpfs -o size=64k tmpfs tmp &&', ['check', '--now', NOW, '--evidence', 'ev'], dir, { TMPDIR: path.join(dir, 'tmp') })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^\S+\/0001 cannot keep the masked copy of a report for the evidence bundle in the temporary folder \(TMPDIR\): no space left on the device\n$/)
  })
})

describe('the action: evidence-dir under /proc is a configuration error (exit 2), said once', () => {
  test('evidence-dir: /proc/sox-evidence', async () => {
    const dir = gate()
    writeFileSync(path.join(dir, '.keep'), '')
    const started = Date.now()
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false', 'evidence-dir': '/proc/sox-evidence' })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).not.toContain('internal error')
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
      '::error::SOX compliance gate: could not write the evidence bundle to /proc/sox-evidence: /proc/sox-evidence: cannot create the folder: no such file — no evidence, no deployment (evidence-required: true)'
    ])
  })
})
