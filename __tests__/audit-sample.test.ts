import { createHash } from 'node:crypto'
import { drawSample, sampleSize, SeededNumbers } from '../src/audit/sample.js'

describe('the sample size: n = ceil(ln(1 - confidence) / ln(1 - rate)), zero deviations expected', () => {
  // Worked by hand: ln 0.05 = -2.995732, ln 0.90 = -0.105361, ln 0.95 = -0.051293, ln 0.10 = -2.302585.
  test('95 % confidence, 10 % tolerable rate: -2.995732 / -0.105361 = 28.43 -> 29', () => expect(sampleSize(0.95, 0.1)).toBe(29))
  test('95 % confidence, 5 % tolerable rate: -2.995732 / -0.051293 = 58.40 -> 59', () => expect(sampleSize(0.95, 0.05)).toBe(59))
  test('90 % confidence, 10 % tolerable rate: -2.302585 / -0.105361 = 21.85 -> 22', () => expect(sampleSize(0.9, 0.1)).toBe(22))
  test('a quotient that is a whole number is that number, not one more (ln 0.81 / ln 0.9 = 2 exactly)', () => expect(sampleSize(0.19, 0.1)).toBe(2))
  test('out-of-range inputs are refused', () => {
    expect(() => sampleSize(1, 0.1)).toThrow(RangeError)
    expect(() => sampleSize(0.95, 0)).toThrow(RangeError)
  })
})

/** The generator as docs/audit.md describes it, written again here from the text (not from src/). */
function reDraw(seed: string, population: number, n: number): number[] {
  let block = 0
  let words: number[] = []
  const next = (): number => {
    if (words.length === 0) {
      const d = createHash('sha256').update(`${seed}:${block++}`).digest()
      words = [0, 4, 8, 12, 16, 20, 24, 28].map((i) => d.readUInt32BE(i))
    }
    return words.shift() as number
  }
  const uniform = (m: number): number => {
    const limit = 2 ** 32 - (2 ** 32 % m)
    for (;;) {
      const x = next()
      if (x < limit) return x % m
    }
  }
  const a = Array.from({ length: population }, (_, i) => i)
  for (let k = 0; k < Math.min(n, population); k++) {
    const j = k + uniform(population - k)
    ;[a[k], a[j]] = [a[j] as number, a[k] as number]
  }
  return a.slice(0, Math.min(n, population))
}

describe('the seeded draw', () => {
  const seed = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

  test('the first numbers are SHA-256("SEED:0") read as big-endian 32-bit words', () => {
    const g = new SeededNumbers('abc')
    const d = createHash('sha256').update('abc:0').digest()
    expect([g.next(), g.next()]).toEqual([d.readUInt32BE(0), d.readUInt32BE(4)])
    for (let i = 2; i < 8; i++) g.next()
    expect(g.next()).toBe(createHash('sha256').update('abc:1').digest().readUInt32BE(0))
  })

  test('a number in the biased top of the range is rejected, not folded (no modulo bias)', () => {
    const g = new SeededNumbers('x')
    const feed = [0xffffffff, 5]
    g.next = () => feed.shift() as number
    // 2^32 mod 3 = 1, so 0xffffffff is the one value that would make 0 likelier: rejected; 5 mod 3 = 2.
    expect(g.uniform(3)).toBe(2)
  })

  test('what the documentation describes is what the audit draws, for small and large populations', () => {
    for (const [population, n] of [[6, 6], [59, 59], [1000, 59], [18_250, 29], [3, 1]] as const) expect(drawSample(seed, population, n).positions).toEqual(reDraw(seed, population, n))
  })

  test('without replacement, and never more than the population', () => {
    const { positions } = drawSample(seed, 100, 59)
    expect(new Set(positions).size).toBe(59)
    expect(positions.every((p) => p >= 0 && p < 100)).toBe(true)
    expect(drawSample(seed, 4, 59).positions.sort()).toEqual([0, 1, 2, 3])
    expect(drawSample(seed, 0, 59).positions).toEqual([])
  })

  test('the same seed gives the same sample; another seed another', () => {
    expect(drawSample(seed, 18_250, 59)).toEqual(drawSample(seed, 18_250, 59))
    expect(drawSample(`${seed}0`, 18_250, 59).positions).not.toEqual(drawSample(seed, 18_250, 59).positions)
  })

  test('uniform: over 3,000 seeds, each of 6 deployments is drawn first about 500 times', () => {
    const counts = [0, 0, 0, 0, 0, 0]
    for (let i = 0; i < 3000; i++) {
      const first = drawSample(`seed-${i}`, 6, 1).positions[0] as number
      counts[first] = (counts[first] ?? 0) + 1
    }
    // Binomial(3000, 1/6): standard deviation 20.4; 5 of them either side.
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(102)
  })
})
