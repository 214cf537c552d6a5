import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'

/** A zip that cannot be unpacked as it is: the message says why, in a few words. */
export class ZipRefused extends Error {}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/** sha256 (hex) of a file's bytes, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Unpacks a zip into `dir` (which must exist and be empty) and returns how many files it held.
 *
 * The zip comes from a workflow run whose code the change controls (and, for a fork's pull
 * request, from code nobody reviewed), so it is unpacked with yauzl rather than the artifact
 * client's own streaming extractor: yauzl reads the central directory, refuses absolute and `..`
 * entry names (nothing lands outside `dir`) and entries whose sizes do not add up. Symbolic links
 * are refused (upload-artifact stores none; one could point a report outside the workspace), and
 * a name held twice is refused rather than letting the second copy win.
 */
export async function unpackZip(zipFile: string, dir: string): Promise<number> {
  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.openPromise(zipFile, { strictFileNames: true, validateEntrySizes: true })
  } catch (e) {
    throw new ZipRefused(`not a readable zip (${(e as Error).message})`)
  }
  let files = 0
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw new ZipRefused(`its entry ${JSON.stringify(name)} is a symbolic link`)
      const target = path.join(dir, ...name.split('/'))
      if (name.endsWith('/')) {
        await mkdir(target, { recursive: true })
        continue
      }
      await mkdir(path.dirname(target), { recursive: true })
      try {
        await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target, { flags: 'wx' }))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ZipRefused(`it holds ${JSON.stringify(name)} twice`)
        throw e
      }
      files++
    }
  } catch (e) {
    // A file-system error (a full disk) is this runner's problem, not the zip's: said as it is.
    if (e instanceof ZipRefused || (e as NodeJS.ErrnoException).syscall !== undefined) throw e
    // yauzl's own words for a damaged archive ("invalid relative path", "too many length or distance symbols", ...).
    throw new ZipRefused(`not a readable zip (${(e as Error).message})`)
  } finally {
    if (zip.isOpen) zip.close()
  }
  return files
}
