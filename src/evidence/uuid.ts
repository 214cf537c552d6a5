import { createHash } from 'node:crypto'

/** A name-based (version 5 style) UUID: the same name always gives the same UUID. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update('sox-gate:').update(name).digest()
  h[6] = ((h[6] as number) & 0x0f) | 0x50
  h[8] = ((h[8] as number) & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
