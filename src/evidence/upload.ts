import path from 'node:path'
import { cjsExports } from '../lazy-import.js'
import { bundleFiles } from './bundle-files.js'

export interface Uploaded {
  id: number
  size?: number
  digest?: string
}

/** Uploads the bundle (manifest.json, the files it lists, the signature) as one workflow artifact (@actions/artifact). */
export async function uploadBundle(dir: string, name: string, retentionDays?: number): Promise<Uploaded> {
  const files = (await bundleFiles(dir)).map((rel) => path.join(dir, ...rel.split('/')))
  // @actions/artifact (and the Azure SDK under it) is loaded only when a bundle is uploaded.
  const { DefaultArtifactClient } = cjsExports(await import('@actions/artifact'), 'DefaultArtifactClient')
  const client = new DefaultArtifactClient()
  const { id, size, digest } = await client.uploadArtifact(name, files, dir, retentionDays ? { retentionDays } : {})
  if (id === undefined) throw new Error('the artifact service returned no artifact id')
  return { id, size, digest }
}
