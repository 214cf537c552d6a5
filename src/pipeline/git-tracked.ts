import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors.js'

/** Paths per `git ls-tree` call: keeps every command line far below the system's limit. */
const BATCH = 500

/** Variables that point git at another repository than the folder it runs in: each repository is asked in its own folder. */
const LOCATING = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES']

/**
 * Which of `files` (absolute paths inside `workspace`, `realWorkspace` being its real path) some
 * git repository tracks at the commit checked out there (HEAD: in a workflow, the evaluated
 * commit). Asked are the repository that holds each file, every repository between it and the
 * workspace, and the one holding the workspace: `actions/checkout` with `path:` puts the
 * repository in a subfolder of a workspace that is no repository (or is another one), and a
 * report committed there is as stale as one committed at the top (SPEC §11, issue 22).
 * Returns the tracked ones. Where a folder looks like a git work tree (it holds `.git`), a git
 * that cannot answer is a configuration error, never a silent "nothing is tracked" (fail closed).
 */
export async function trackedAtHead(realWorkspace: string, files: readonly string[]): Promise<Set<string>> {
  const tops = new Map<string, boolean>()
  const hasGit = async (dir: string): Promise<boolean> => {
    let known = tops.get(dir)
    if (known === undefined) {
      known = await stat(path.join(dir, '.git')).then(
        () => true,
        () => false
      )
      tops.set(dir, known)
    }
    return known
  }
  // The repository at or above the workspace (a checkout at the top, as before).
  let outer: string | undefined
  for (let d = realWorkspace; ; d = path.dirname(d)) {
    if (await hasGit(d)) {
      outer = d
      break
    }
    if (path.dirname(d) === d) break
  }
  // Each repository with the files to ask it about, relative to its top.
  const asks = new Map<string, Map<string, string[]>>()
  const ask = (top: string, file: string): void => {
    const rel = path.relative(top, file).split(path.sep).join('/')
    if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return
    let repo = asks.get(top)
    if (!repo) asks.set(top, (repo = new Map()))
    repo.set(rel, [...(repo.get(rel) ?? []), file])
  }
  for (const file of files) {
    // Every folder from the file's own up to the workspace (not above it: that is `outer`).
    for (let d = path.dirname(file); d.length > realWorkspace.length && d.startsWith(realWorkspace + path.sep); d = path.dirname(d)) {
      if (await hasGit(d)) ask(d, file)
    }
    if (outer !== undefined) ask(outer, file)
  }
  const tracked = new Set<string>()
  for (const [top, paths] of asks) {
    for (const rel of await trackedIn(top, [...paths.keys()])) for (const file of paths.get(rel) ?? []) tracked.add(file)
  }
  return tracked
}

/** Which of `paths` (relative to the work tree `top`, `/`-separated) its HEAD tracks. */
async function trackedIn(top: string, paths: readonly string[]): Promise<Set<string>> {
  // In a container job the checkout belongs to another user, and git refuses it as "dubious
  // ownership" unless told it is safe; these commands only read.
  const git = (args: string[]): Promise<string> => run(top, ['-c', `safe.directory=${top}`, ...args])
  await git(['rev-parse', '--is-inside-work-tree']).catch((e: Error) => {
    throw ConfigError.at(top, `cannot ask git which reports are committed: ${e.message.trim()}`)
  })
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => undefined)
  // A repository with no commit yet tracks nothing at any commit.
  if (head === undefined) return new Set()
  const tracked = new Set<string>()
  for (let i = 0; i < paths.length; i += BATCH) {
    const out = await git(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...paths.slice(i, i + BATCH)]).catch((e: Error) => {
      throw ConfigError.at(top, `cannot ask git which reports are committed (git ls-tree): ${e.message.trim()}`)
    })
    for (const p of out.split('\0')) if (p) tracked.add(p)
  }
  return tracked
}

function run(cwd: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0' }
  for (const name of LOCATING) delete env[name]
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr || err.message))
      else resolve(stdout)
    })
  })
}
