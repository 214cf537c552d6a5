import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from './errors.js'

/** Paths per `git ls-tree` call: keeps every command line far below the system's limit. */
const BATCH = 500

/**
 * Which of `paths` (relative to `cwd`, `/`-separated) git tracks at the commit checked out in
 * `cwd` (HEAD: in a workflow, the evaluated commit). Undefined when `cwd` is not inside a git
 * work tree, so nothing can be tracked. Inside one, a git that cannot answer is a configuration
 * error, never a silent "nothing is tracked" (fail closed).
 */
export async function trackedAtHead(cwd: string, paths: readonly string[]): Promise<Set<string> | undefined> {
  const top = paths.length === 0 ? undefined : await gitTop(cwd)
  if (top === undefined) return undefined
  // In a container job the checkout belongs to another user, and git refuses it as "dubious
  // ownership" unless told it is safe; these commands only read.
  const git = (args: string[]): Promise<string> => run(cwd, ['-c', `safe.directory=${top}`, ...args])
  await git(['rev-parse', '--is-inside-work-tree']).catch((e: Error) => {
    throw ConfigError.at(cwd, `cannot ask git which reports are committed: ${e.message.trim()}`)
  })
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => undefined)
  // A repository with no commit yet tracks nothing at any commit.
  if (head === undefined) return new Set()
  const tracked = new Set<string>()
  for (let i = 0; i < paths.length; i += BATCH) {
    const out = await git(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...paths.slice(i, i + BATCH)]).catch((e: Error) => {
      throw ConfigError.at(cwd, `cannot ask git which reports are committed (git ls-tree): ${e.message.trim()}`)
    })
    for (const p of out.split('\0')) if (p) tracked.add(p)
  }
  return tracked
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a file for worktrees and submodules). */
async function gitTop(dir: string): Promise<string | undefined> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (await stat(path.join(d, '.git')).then(() => true, () => false)) return d
    if (path.dirname(d) === d) return undefined
  }
}

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr || err.message))
      else resolve(stdout)
    })
  })
}
