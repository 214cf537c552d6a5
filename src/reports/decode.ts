import { TextDecoder } from 'node:util'

/**
 * Bytes → text, chunk by chunk. UTF-8 unless a UTF-16 byte-order mark says otherwise; a UTF-8 BOM
 * is dropped. Invalid sequences become U+FFFD rather than aborting: the parser decides validity.
 */
export async function* decodeChunks(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined
  for await (const chunk of bytes) {
    if (!decoder) decoder = new TextDecoder(encodingOf(chunk))
    const text = decoder.decode(chunk, { stream: true })
    if (text) yield text
  }
  const rest = decoder?.decode()
  if (rest) yield rest
}

function encodingOf(first: Uint8Array): string {
  if (first[0] === 0xff && first[1] === 0xfe) return 'utf-16le'
  if (first[0] === 0xfe && first[1] === 0xff) return 'utf-16be'
  return 'utf-8'
}
