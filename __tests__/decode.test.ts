import { decodeChunks } from '../src/reports/decode.js'

async function decode(chunks: number[][]): Promise<string> {
  async function* gen(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield Buffer.from(c)
  }
  let out = ''
  for await (const s of decodeChunks(gen())) out += s
  return out
}

describe('decoding report bytes', () => {
  const text = '<t name="Zürich €"/>'
  test('UTF-8 with a BOM: BOM dropped, multi-byte characters split across chunks survive', async () => {
    const bytes = [0xef, 0xbb, 0xbf, ...Buffer.from(text, 'utf8')]
    const split = bytes.indexOf(0xe2) + 1 // inside the three bytes of €
    expect(await decode([bytes.slice(0, 2), bytes.slice(2, split), bytes.slice(split)])).toBe(text)
  })

  test('UTF-16 LE and BE are recognised by their BOM', async () => {
    const le = [0xff, 0xfe, ...Buffer.from(text, 'utf16le')]
    expect(await decode([le.slice(0, 5), le.slice(5)])).toBe(text)
    const be = [0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]
    expect(await decode([be.slice(0, 7), be.slice(7)])).toBe(text)
  })

  test('invalid UTF-8 becomes U+FFFD instead of aborting', async () => {
    expect(await decode([[0x3c, 0xff, 0x3e]])).toBe('<\ufffd>')
  })
})
