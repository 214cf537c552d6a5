import { closeSync, constants, openSync, readlinkSync } from 'node:fs'
import { lstat, mkdir, readlink, realpath, rmdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import { describeFsError, isFsError } from '../fs-errors.js'

const NOFOLLOW = constants.O_NOFOLLOW ?? 0
const DIRECTORY = constants.O_DIRECTORY ?? 0
const OPEN_FOLDER = constants.O_RDONLY | DIRECTORY | NOFOLLOW
/** How every bundle file is opened: created new (never an existing file, never through a link). */
export const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW
/** How an earlier bundle's file is read before it is deleted: never through a link. */
export const READ_FLAGS = constants.O_RDONLY | NOFOLLOW

/**
 * The evidence directory, made so that nothing the bundle writes or deletes can go through a
 * symbolic link (docs/hostile-input.md). The change controls what the workspace holds: a committed
 * `sox-evidence/oscal -> /somewhere` (or `sox-evidence -> /tmp/x`, or a link in a folder above
 * evidence-dir inside the workspace) would otherwise carry the bundle, and the attacker's copy of
 * a report, outside evidence-dir.
 *
 * - Every folder from the workspace down to evidence-dir, and every folder of the bundle under it,
 *   is a real folder or is made one by one (never `mkdir -p`, which follows links and loops for
 *   ever in /proc); a link or a file in the way is refused, naming it. Folders above the
 *   workspace (or above an evidence-dir outside it) are the runner's and are not judged.
 * - Each folder is then held open (O_DIRECTORY | O_NOFOLLOW), and where Linux gives
 *   `/proc/self/fd`, everything below it is reached through the held descriptor, as openat(2)
 *   would: a folder swapped for a link after it was checked is never followed. Files are created
 *   with O_CREAT | O_EXCL | O_NOFOLLOW: never an existing file, never a link.
 * - Without `/proc/self/fd` (macOS, Windows) paths are used as checked: a process racing the gate
 *   between a check and a write could still swap a folder for a link (said in the docs).
 */
export class BundleDir {
  /** Bundle-relative folder ('' = evidence-dir) → the path that reaches it (its held descriptor, where there is one). */
  private readonly held = new Map<string, string>()
  private readonly fds: number[] = []

  private constructor(
    /** evidence-dir, resolved. */
    readonly dir: string,
    /** How a path under the workspace is named in messages: relative to the workspace. */
    private readonly shownDir: string,
    private readonly viaFd: boolean
  ) {}

  /** Makes (or checks) `dir` as a real folder below `workspace`; throws ConfigError naming what is in the way. */
  static async open(dir: string, workspace: string): Promise<BundleDir> {
    const target = path.resolve(dir)
    const ws = path.resolve(workspace)
    const inside = target === ws || target.startsWith(ws + path.sep)
    const shown = (p: string): string => (inside ? path.relative(ws, p).split(path.sep).join('/') || '.' : p)
    // Below `start`, every folder is judged: the change may have committed it. Above, they are the runner's.
    const start = inside ? ws : path.dirname(target)
    await makeAbove(start)
    let at = start
    for (const part of path.relative(start, target).split(path.sep).filter(Boolean)) {
      at = path.join(at, part)
      await realFolder(at, shown(at), true)
    }
    const expected = path.join(
      await realpath(start).catch((e) => {
        throw fail(e, shown(start), 'cannot resolve the folder')
      }),
      path.relative(start, target)
    )
    // Folders are held only where /proc/self/fd reaches through them (Linux); Windows cannot even open one.
    if (process.platform !== 'linux') {
      const bundle = new BundleDir(target, shown(target), false)
      bundle.held.set('', target)
      return bundle
    }
    let fd: number
    try {
      fd = openSync(target, OPEN_FOLDER)
    } catch (e) {
      throw await folderProblem(e, target, shown(target))
    }
    const link = `/proc/self/fd/${fd}`
    let viaFd = false
    try {
      viaFd = readlinkSync(link) !== ''
    } catch {
      // No /proc (macOS, Windows): the checked paths are used as they are.
    }
    if (viaFd && readlinkSync(link) !== expected) {
      closeSync(fd)
      throw new ConfigError([{ file: '', message: `${shown(target)} changed while the evidence bundle was being prepared (it now resolves to ${readlinkSync(link)}): not written` }])
    }
    const bundle = new BundleDir(target, shown(target), viaFd)
    if (viaFd) {
      bundle.fds.push(fd)
      bundle.held.set('', link)
    } else {
      closeSync(fd)
      bundle.held.set('', target)
    }
    return bundle
  }

  /** `rel` (a bundle path, `/`-separated) as people see it: `sox-evidence/oscal/assessment-results.json`. */
  shown(rel: string): string {
    if (rel === '') return this.shownDir
    return this.shownDir === '.' ? rel : `${this.shownDir}/${rel}`
  }

  /**
   * The path that reaches folder `rel` through held folders, each made when missing (or, with
   * `create` false, undefined when missing). A link or a file where a folder belongs is refused.
   */
  async folder(rel: string, create: boolean): Promise<string | undefined> {
    let known = this.held.get(rel)
    if (known !== undefined) return known
    const parts = rel.split('/')
    let done = ''
    let reach = this.held.get('') as string
    for (const part of parts) {
      const next = done === '' ? part : `${done}/${part}`
      known = this.held.get(next)
      if (known === undefined) {
        const at = `${reach}/${part}`
        if (!(await realFolder(at, this.shown(next), create))) return undefined
        known = this.viaFd ? this.hold(at, next) : path.join(this.dir, ...next.split('/'))
        this.held.set(next, known)
      }
      done = next
      reach = known
    }
    return reach
  }

  /** The path that reaches file `rel` (its folders made; with `create` false, undefined when a folder is missing). */
  async file(rel: string, create = true): Promise<string | undefined> {
    const cut = rel.lastIndexOf('/')
    const folder = await this.folder(cut < 0 ? '' : rel.slice(0, cut), create)
    return folder === undefined ? undefined : `${folder}/${rel.slice(cut + 1)}`
  }

  /** Removes folder `rel` when it is empty (an earlier bundle's), and forgets it: a later write makes it anew. */
  async removeIfEmpty(rel: string): Promise<void> {
    const cut = rel.lastIndexOf('/')
    const parent = await this.folder(cut < 0 ? '' : rel.slice(0, cut), false)
    if (parent === undefined) return
    const removed = await rmdir(`${parent}/${rel.slice(cut + 1)}`).then(
      () => true,
      () => false
    )
    if (!removed) return
    for (const key of [...this.held.keys()]) {
      if (key !== rel && !key.startsWith(`${rel}/`)) continue
      const reach = this.held.get(key) as string
      this.held.delete(key)
      const fd = this.viaFd ? Number(reach.slice('/proc/self/fd/'.length)) : -1
      const at = this.fds.indexOf(fd)
      if (at >= 0) {
        this.fds.splice(at, 1)
        closeSync(fd)
      }
    }
  }

  /** A file-system error met on `rel` as a ConfigError: one line naming the path (never an internal error). */
  problem(e: unknown, rel: string, doing: string): unknown {
    return e instanceof ConfigError || !isFsError(e) ? e : new ConfigError([{ file: '', message: `${this.shown(rel)}: ${doing}: ${describeFsError(e)}` }])
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd)
  }

  private hold(at: string, rel: string): string {
    let fd: number
    try {
      fd = openSync(at, OPEN_FOLDER)
    } catch (e) {
      // A folder checked a moment ago and a link now: someone raced the check. Refused all the same.
      if ((e as NodeJS.ErrnoException).code === 'ELOOP' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw linkRefused(this.shown(rel), undefined)
      throw fail(e, this.shown(rel), 'cannot open the folder')
    }
    this.fds.push(fd)
    return `/proc/self/fd/${fd}`
  }
}

/**
 * `at` is a real folder, or is made one (a single mkdir, no recursion) when `create`; false when it
 * is missing and not to be made. A symbolic link or anything else in its place is refused.
 */
async function realFolder(at: string, shown: string, create: boolean): Promise<boolean> {
  let st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw fail(e, shown, 'cannot look at the folder')
  })
  if (!st) {
    if (!create) return false
    await mkdir(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw fail(e, shown, 'cannot create the folder')
    })
    st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      throw fail(e, shown, 'cannot look at the folder')
    })
  }
  if (st.isSymbolicLink()) throw linkRefused(shown, await readlink(at).catch(() => undefined))
  if (!st.isDirectory()) throw new ConfigError([{ file: '', message: `${shown} is not a folder: the evidence bundle needs a folder there (remove it, or choose another evidence-dir)` }])
  return true
}

/** Folders above the judged part, made one by one where missing (bounded: one step per path component). */
async function makeAbove(folder: string): Promise<void> {
  const missing: string[] = []
  for (let at = folder; ; at = path.dirname(at)) {
    const exists = await stat(at).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false
        throw fail(e, at, 'cannot look at the folder')
      }
    )
    if (exists) break
    missing.unshift(at)
    if (path.dirname(at) === at) break
  }
  for (const at of missing) {
    await mkdir(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw fail(e, at, 'cannot create the folder')
    })
  }
}

async function folderProblem(e: unknown, at: string, shown: string): Promise<unknown> {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return linkRefused(shown, await readlink(at).catch(() => undefined))
  return fail(e, shown, 'cannot open the folder')
}

function linkRefused(shown: string, target: string | undefined): ConfigError {
  return new ConfigError([
    {
      file: '',
      message: `${shown} is a symbolic link${target === undefined ? '' : ` (to ${target})`}: the evidence bundle is never written through a link, which could lead outside evidence-dir (remove the link, or choose another evidence-dir)`
    }
  ])
}

function fail(e: unknown, shown: string, doing: string): unknown {
  return e instanceof ConfigError || !isFsError(e) ? e : new ConfigError([{ file: '', message: `${shown}: ${doing}: ${describeFsError(e)}` }])
}
