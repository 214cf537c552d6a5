import { createHash } from 'node:crypto'
import { lstat, open, readFile, unlink } from 'node:fs/promises'
import { ConfigError } from '../errors.js'
import { READ_FLAGS, type BundleDir } from './bundle-dir.js'
import { TOOL_NAME } from './version.js'

/** The signature of an earlier manifest: part of that bundle although files[] cannot list it. */
export const SIGNATURE = 'attestation.sigstore.json'

/**
 * Makes `dir` ready for a new bundle by deleting exactly the files an earlier bundle wrote there:
 * its manifest.json, the files its `files[]` lists (only where they still hold the bytes it
 * recorded) and its signature. Nothing else is ever deleted and nothing is removed recursively,
 * so `evidence-dir: .` leaves the workspace as it was. A listed file that was changed since is
 * not deleted but refused, naming it. Then no file the new bundle will write (`planned`) may
 * exist: a file of the user's is never overwritten either. Every path is reached through
 * `dir`'s real folders: a symbolic link on the way is refused, naming it (bundle-dir.ts).
 */
export async function prepareEvidenceDir(dir: BundleDir, planned: readonly string[]): Promise<void> {
  await removeEarlierBundle(dir)
  const taken: string[] = []
  for (const rel of planned) {
    const at = await dir.file(rel, false)
    if (at === undefined) continue
    const st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined
      throw dir.problem(e, rel, 'cannot look at it')
    })
    if (st?.isSymbolicLink()) throw new ConfigError([{ file: '', message: `${dir.shown(rel)} is a symbolic link: the evidence bundle is never written through a link, which could lead outside evidence-dir (remove the link, or choose another evidence-dir)` }])
    if (st) taken.push(rel)
  }
  if (taken.length > 0) {
    throw new ConfigError(taken.map((rel) => ({ file: dir.dir, message: `${rel} already exists and is not a file of an earlier sox-gate bundle: not overwritten (choose an empty or new evidence-dir)` })))
  }
}

async function removeEarlierBundle(dir: BundleDir): Promise<void> {
  const manifestPath = (await dir.file('manifest.json')) as string
  const shownManifest = dir.shown('manifest.json')
  const text = await readFile(manifestPath, { encoding: 'utf8', flag: READ_FLAGS }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    if (e.code === 'ELOOP') throw ConfigError.at(shownManifest, 'is a symbolic link: it is not read, replaced or followed (remove it, or choose another evidence-dir)')
    throw ConfigError.at(shownManifest, `cannot read the earlier bundle's manifest: ${(e as Error).message}`)
  })
  if (text === undefined) return
  const listed = earlierFiles(text)
  if (!listed) throw ConfigError.at(shownManifest, 'exists but is not a sox-gate manifest: it is not replaced (choose another evidence-dir, or remove it)')
  const problems: string[] = []
  const doomed: string[] = []
  for (const f of listed) {
    if (!isBundlePath(f.path)) {
      problems.push(`the earlier manifest lists "${f.path}", which is not a path inside the evidence directory`)
      continue
    }
    // Its folders are checked on the way (a link among them is refused); a missing one holds nothing to delete.
    const full = await dir.file(f.path, false)
    if (full === undefined) continue
    const now = await fileHash(full).catch((e) => {
      throw dir.problem(e, f.path, "cannot read the earlier bundle's file")
    })
    if (now === 'absent') continue
    if (now !== f.sha256) problems.push(`${f.path} was changed since the earlier bundle wrote it: not deleted`)
    else doomed.push(f.path)
  }
  if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ file: dir.dir, message })))
  const parents = new Set<string>()
  for (const rel of [...doomed, SIGNATURE, 'manifest.json']) {
    // unlink never follows the link it is given: at worst a link of ours is removed, never its target.
    const full = await dir.file(rel, false)
    if (full === undefined) continue
    await unlink(full).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw dir.problem(e, rel, 'cannot delete the earlier bundle\'s file')
    })
    for (let p = rel.lastIndexOf('/'); p > 0; p = rel.lastIndexOf('/', p - 1)) parents.add(rel.slice(0, p))
  }
  // Folders the earlier bundle made (inputs/reports, oscal) go only when nothing else is in them.
  for (const p of [...parents].sort((a, b) => b.length - a.length)) await dir.removeIfEmpty(p)
}

/** files[] of an earlier sox-gate manifest, or undefined when the text is not one. */
function earlierFiles(text: string): { path: string; sha256: string }[] | undefined {
  try {
    const m = JSON.parse(text) as { tool?: { name?: unknown }; files?: unknown }
    if (m.tool?.name !== TOOL_NAME || !Array.isArray(m.files)) return undefined
    const files = m.files as { path?: unknown; sha256?: unknown }[]
    if (!files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string')) return undefined
    return files as { path: string; sha256: string }[]
  } catch {
    return undefined
  }
}

/** True for a bundle-relative `/` path that stays inside the bundle. */
function isBundlePath(rel: string): boolean {
  const parts = rel.split('/')
  return rel !== '' && !parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))
}

/** sha256 of a regular file; 'absent' when there is none; 'other' for a symlink, folder or the like. */
async function fileHash(full: string): Promise<string> {
  try {
    const st = await lstat(full)
    if (!st.isFile()) return 'other'
  } catch {
    return 'absent'
  }
  const hash = createHash('sha256')
  const handle = await open(full, READ_FLAGS)
  for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
