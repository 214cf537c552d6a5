import { StringDecoder } from 'node:string_decoder'
import { TextDecoder } from 'node:util'

/**
 * Bytes read from a report at a time. Kept well under V8's large-object size (about 128 KB):
 * a bigger chunk decodes to a string that V8 allocates outside the young generation, one mapped
 * page at a time, and decoding, joining and scanning such strings was several times slower
 * (256 KB chunks: 0.47 s to decode 100 MB; 64 KB: 0.07 s).
 */
export const REPORT_CHUNK = 64 * 1024

/**
 * Bytes → text, chunk by chunk. UTF-8 unless a UTF-16 byte-order mark says otherwise; the BOM is
 * dropped. Invalid sequences become U+FFFD rather than aborting: the parser decides validity.
 * Node's StringDecoder is used where it can (about 1.6× TextDecoder's speed on large reports).
 */
export async function* decodeChunks(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let decoder: { write(chunk: Uint8Array): string; end(): string } | undefined
  let first = true
  for await (const chunk of bytes) {
    decoder ??= decoderFor(chunk)
    let text = decoder.write(chunk)
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    if (text) yield text
  }
  const rest = decoder?.end()
  if (rest) yield rest
}

function decoderFor(first: Uint8Array): { write(chunk: Uint8Array): string; end(): string } {
  if (first[0] === 0xfe && first[1] === 0xff) {
    const utf16be = new TextDecoder('utf-16be')
    return { write: (c) => utf16be.decode(c, { stream: true }), end: () => utf16be.decode() }
  }
  const sd = new StringDecoder(first[0] === 0xff && first[1] === 0xfe ? 'utf16le' : 'utf8')
  return { write: (c) => sd.write(c as Buffer), end: () => sd.end() }
}
