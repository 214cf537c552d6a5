import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, mkdir, readFile, realpath, rmdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import { TOOL_NAME } from './version.js'

/** The signature of an earlier manifest: part of that bundle although files[] cannot list it. */
const SIGNATURE = 'attestation.sigstore.json'

/**
 * Makes `dir` ready for a new bundle by deleting exactly the files an earlier bundle wrote there:
 * its manifest.json, the files its `files[]` lists (only where they still hold the bytes it
 * recorded) and its signature. Nothing else is ever deleted and nothing is removed recursively,
 * so `evidence-dir: .` leaves the workspace as it was. A listed file that was changed since is
 * not deleted but refused, naming it. Then no file the new bundle will write (`planned`) may
 * exist: a file of the user's is never overwritten either.
 */
export async function prepareEvidenceDir(dir: string, planned: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  await removeEarlierBundle(dir)
  const taken: string[] = []
  for (const rel of planned) if (await lstat(path.join(dir, ...rel.split('/'))).then(() => true, () => false)) taken.push(rel)
  if (taken.length > 0) {
    throw new ConfigError(taken.map((rel) => ({ file: dir, message: `${rel} already exists and is not a file of an earlier sox-gate bundle: not overwritten (choose an empty or new evidence-dir)` })))
  }
}

async function removeEarlierBundle(dir: string): Promise<void> {
  const manifestPath = path.join(dir, 'manifest.json')
  const text = await readFile(manifestPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw ConfigError.at(manifestPath, `cannot read the earlier bundle's manifest: ${e.message}`)
  })
  if (text === undefined) return
  const listed = earlierFiles(text)
  if (!listed) throw ConfigError.at(manifestPath, 'exists but is not a sox-gate manifest: it is not replaced (choose another evidence-dir, or remove it)')
  const problems: string[] = []
  const doomed: string[] = []
  const realDir = await realpath(dir)
  for (const f of listed) {
    const full = inside(dir, f.path)
    if (!full || !(await parentInside(realDir, full))) {
      problems.push(`the earlier manifest lists "${f.path}", which is not a path inside the evidence directory`)
      continue
    }
    const now = await fileHash(full)
    if (now === 'absent') continue
    if (now !== f.sha256) problems.push(`${f.path} was changed since the earlier bundle wrote it: not deleted`)
    else doomed.push(full)
  }
  if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ file: dir, message })))
  const parents = new Set<string>()
  for (const full of [...doomed, path.join(dir, SIGNATURE), manifestPath]) {
    await unlink(full).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
    for (let p = path.dirname(full); p.length > dir.length && p.startsWith(dir + path.sep); p = path.dirname(p)) parents.add(p)
  }
  // Folders the earlier bundle made (inputs/reports, oscal) go only when nothing else is in them.
  for (const p of [...parents].sort((a, b) => b.length - a.length)) {
    await rmdir(p).catch(() => undefined)
  }
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

/** The full path of a bundle-relative `/` path, or undefined when it would leave `dir`. */
function inside(dir: string, rel: string): string | undefined {
  const parts = rel.split('/')
  if (rel === '' || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) return undefined
  return path.join(dir, ...parts)
}

/** True when the folder holding `full` is, symlinks resolved, `realDir` or below it (or does not exist). */
async function parentInside(realDir: string, full: string): Promise<boolean> {
  const parent = await realpath(path.dirname(full)).catch(() => undefined)
  return parent === undefined || parent === realDir || parent.startsWith(realDir + path.sep)
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
  for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
