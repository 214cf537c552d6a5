import { stableJson, stableJsonPieces } from '../src/evidence/stable-json.js'

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x / 0x7fffffff
  }
}

describe('stableJsonPieces gives stableJson\'s text to the byte, in pieces', () => {
  test('hand-picked shapes: empties, nesting, escapes, non-ASCII, undefined, NaN', () => {
    const values: unknown[] = [
      {},
      [],
      null,
      'plain',
      { b: 1, a: [1, 'two', null, true, false], c: {}, d: [] },
      { name: 'suite › case "quoted" \\ back\nline\ttab \u2028 \u0000', list: [[], {}, [[]], [{}]] },
      { skipped: undefined, fn: () => 1, kept: 0, nested: { z: undefined, y: [undefined, () => 2, NaN, Infinity, -0] } },
      { date: new Date(0), number: 1.5e-7, big: 1e21, neg: -3 }
    ]
    for (const v of values) expect([...stableJsonPieces(v, 4)].join('')).toBe(stableJson(v))
  })

  test('generated values of many shapes, in pieces of several sizes', () => {
    const rand = rng(13)
    const strings = ['', 'a', 'suite › name', 'ünïcödé', 'emoji 😀', 'quote "', 'slash \\', 'ctrl \u0001', 'line\nbreak']
    const make = (depth: number): unknown => {
      const r = rand()
      if (depth > 3 || r < 0.3) return [strings[Math.floor(rand() * strings.length)], Math.floor(rand() * 1e6) / 7, null, true, undefined][Math.floor(rand() * 5)]
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => make(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [strings[Math.floor(rand() * strings.length)] + String(Math.floor(rand() * 9)), make(depth + 1)]))
    }
    for (let n = 0; n < 300; n++) {
      const v = { root: make(0) }
      const size = [1, 7, 64 * 1024][n % 3] as number
      const pieces = [...stableJsonPieces(v, size)]
      expect(pieces.join('')).toBe(stableJson(v))
      // Pieces are about `size` long: the text is never handed over whole when it is large.
      if (size === 7 && stableJson(v).length > 30) expect(pieces.length).toBeGreaterThan(1)
    }
  })
})
