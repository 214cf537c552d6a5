import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { cjsExports } from '../lazy-import.js'

export interface Uploaded {
  id: number
  size?: number
  digest?: string
}

/** Uploads the whole bundle directory as one workflow artifact (@actions/artifact). */
export async function uploadBundle(dir: string, name: string, retentionDays?: number): Promise<Uploaded> {
  const files = await listFiles(dir)
  // @actions/artifact (and the Azure SDK under it) is loaded only when a bundle is uploaded.
  const { DefaultArtifactClient } = cjsExports(await import('@actions/artifact'), 'DefaultArtifactClient')
  const client = new DefaultArtifactClient()
  const { id, size, digest } = await client.uploadArtifact(name, files, dir, retentionDays ? { retentionDays } : {})
  if (id === undefined) throw new Error('the artifact service returned no artifact id')
  return { id, size, digest }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await listFiles(full)))
    else out.push(full)
  }
  return out.sort()
}
