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
  if (paths.length === 0 || !(await insideGitTree(cwd))) return undefined
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => undefined)
  // A repository with no commit yet tracks nothing at any commit.
  if (head === undefined) return new Set()
  const tracked = new Set<string>()
  for (let i = 0; i < paths.length; i += BATCH) {
    const out = await git(cwd, ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...paths.slice(i, i + BATCH)]).catch((e: Error) => {
      throw ConfigError.at(cwd, `cannot ask git which reports are committed (git ls-tree): ${e.message.trim()}`)
    })
    for (const p of out.split('\0')) if (p) tracked.add(p)
  }
  return tracked
}

/** True when `dir` or a folder above it holds `.git` (a folder, or a file for worktrees and submodules). */
async function insideGitTree(dir: string): Promise<boolean> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (await stat(path.join(d, '.git')).then(() => true, () => false)) return true
    if (path.dirname(d) === d) return false
  }
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr || err.message))
      else resolve(stdout)
    })
  })
}
