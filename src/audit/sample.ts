import { createHash } from 'node:crypto'

/*
 * The sample (SPEC §14), written so that an auditor can re-draw it by hand or in a few lines of
 * any language (docs/audit.md gives the algorithm and a worked example):
 *
 *  1. size: n = ceil(ln(1 - confidence) / ln(1 - rate)), the attribute-sampling size for zero
 *     expected deviations (95 % / 10 % -> 29, 95 % / 5 % -> 59, 90 % / 10 % -> 22), or --sample N;
 *     at most the number of successful deployments.
 *  2. numbers: SHA-256 in counter mode over the seed. Block i is SHA-256 of the UTF-8 bytes of
 *     `SEED:i` (i in decimal from 0); each block gives eight 32-bit unsigned integers, big-endian,
 *     in order; then the next block.
 *  3. uniform(m), an integer in [0, m): take the next number x; if x >= 2^32 - (2^32 mod m),
 *     reject it and take the next (so no value of [0, m) is likelier than another); else x mod m.
 *  4. draw: the successful deployments in population.csv's order are positions 0..N-1. For
 *     k = 0..n-1: j = k + uniform(N - k); swap positions k and j; the k-th drawn is at position k.
 */

/** n = ceil(ln(1 - confidence) / ln(1 - rate)); a hair below a whole number is that number (floating error). */
export function sampleSize(confidence: number, rate: number): number {
  if (!(confidence > 0 && confidence < 1) || !(rate > 0 && rate < 1)) throw new RangeError('confidence and tolerable rate must lie strictly between 0 and 1')
  const exact = Math.log(1 - confidence) / Math.log(1 - rate)
  return Math.max(1, Math.ceil(exact - 1e-9))
}

const TWO_32 = 2 ** 32

/** The seeded stream of 32-bit numbers of step 2. */
export class SeededNumbers {
  private block = 0
  private words: number[] = []
  /** Numbers taken so far, rejected ones included: recorded in audit.json, so a re-draw can be compared. */
  taken = 0

  constructor(private readonly seed: string) {}

  next(): number {
    if (this.words.length === 0) {
      const digest = createHash('sha256').update(`${this.seed}:${this.block}`, 'utf8').digest()
      this.block += 1
      for (let i = 0; i < 32; i += 4) this.words.push(digest.readUInt32BE(i))
    }
    this.taken += 1
    return this.words.shift() as number
  }

  /** Step 3: uniform in [0, m), by rejection. */
  uniform(m: number): number {
    if (!Number.isInteger(m) || m < 1 || m > TWO_32) throw new RangeError(`cannot draw from ${m} items`)
    const limit = TWO_32 - (TWO_32 % m)
    for (;;) {
      const x = this.next()
      if (x < limit) return x % m
    }
  }
}

/** Step 4: n distinct positions of 0..N-1, in the order drawn. */
export function drawSample(seed: string, population: number, n: number): { positions: number[]; numbersTaken: number } {
  const numbers = new SeededNumbers(seed)
  const take = Math.min(n, population)
  // Only the swapped positions are kept: a year's 18,250 need no array of them all.
  const swapped = new Map<number, number>()
  const at = (i: number): number => swapped.get(i) ?? i
  const positions: number[] = []
  for (let k = 0; k < take; k++) {
    const j = k + numbers.uniform(population - k)
    const pk = at(k)
    const pj = at(j)
    swapped.set(k, pj)
    swapped.set(j, pk)
    positions.push(pj)
  }
  return { positions, numbersTaken: numbers.taken }
}
