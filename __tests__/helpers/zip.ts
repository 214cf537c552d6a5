import archiver from 'archiver'

/**
 * A zip as upload-artifact makes it: archiver's zip format (the library @actions/artifact
 * zips with), deflated, one entry per file, paths relative to the upload's root.
 */
export async function makeZip(files: Record<string, string>): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 } })
  const chunks: Buffer[] = []
  archive.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve())
    archive.on('error', reject)
  })
  for (const [name, content] of Object.entries(files)) archive.append(content, { name })
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}
