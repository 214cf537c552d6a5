import { lstat, readFile } from 'node:fs/promises'
import path from 'node:path'
import { READ_FLAGS } from './bundle-dir.js'
import { SIGNATURE } from './prepare-dir.js'

/**
 * The bundle's own files in `dir`, relative and `/`-separated, sorted: manifest.json, every file
 * its files[] lists, and the signature when there is one. Never the rest of evidence-dir: other
 * files there are the user's (with `evidence-dir: .`, the whole workspace), and a link there could
 * carry any file of the runner into an artifact or a store. Each must be a regular file.
 */
export async function bundleFiles(dir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), { encoding: 'utf8', flag: READ_FLAGS })) as { files: { path: string }[] }
  const rels = ['manifest.json', ...manifest.files.map((f) => f.path)]
  if (await lstat(path.join(dir, SIGNATURE)).then(() => true, () => false)) rels.push(SIGNATURE)
  const odd: string[] = []
  for (const rel of rels) if (!(await lstat(path.join(dir, ...rel.split('/')))).isFile()) odd.push(rel)
  if (odd.length > 0) throw new Error(`the bundle holds what is not a regular file: ${odd.join(', ')}`)
  return rels.sort()
}
