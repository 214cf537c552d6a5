/**
 * A set of keys `(group, text)` kept as bytes in one growing buffer, each given a dense id in
 * insertion order. A million test names held as JS strings in a Map cost about 130 bytes each
 * (string header, Map entry); here they cost about one byte a character plus 20 bytes, which is
 * what lets many reports' worth of mapped tests fit in 256 MB. Lookups compare the bytes, so two
 * keys are the same exactly when their group and text are: no hash is trusted on its own.
 *
 * Text is stored per UTF-16 code unit, not as UTF-8: a unit below 0x80 is one byte, any other is
 * three (0x80 | top 4 bits, then 6 and 6 bits). Every string, a lone surrogate included, comes
 * back exactly as it went in (UTF-8 would turn a lone surrogate into U+FFFD and merge two names).
 *
 * Bytes live in pages of 4 MB that are never copied or regrown (a key longer than a page gets a
 * page of its own); the per-key numbers live in columns of 64K-entry pages, added as needed: no
 * spare capacity and no old copy waiting for a collection (growing arrays by half cost both, up
 * to 30 MB at the peak of a million-key run).
 */
const latin1 = new TextDecoder('latin1')
const utf8 = new TextEncoder()
const PAGE_BITS = 22
const PAGE_SIZE = 1 << PAGE_BITS
/** Buckets are kept at most this full (linear probing; a stored hash is compared before the bytes). */
const MAX_LOAD = 0.7


export class CompactKeys {
  private readonly pages: Uint8Array[] = []
  /** Where the next key's bytes go: a page number and an offset in it. */
  private page = -1
  private used = PAGE_SIZE
  /** Per id: page << 22 | offset of its bytes (pages of their own take several numbers; read with >>> 0), and their length. */
  private readonly starts = new Column()
  private readonly lengths = new Column()
  private readonly groups = new Column()
  private readonly hashes = new Column()
  /** Open addressing: id + 1 per bucket, 0 when empty. */
  private buckets = new Int32Array(2048)
  private count = 0
  private scratch = new Uint8Array(1024)
  private scratchLength = 0

  get size(): number {
    return this.count
  }

  /** The id of `(group, text)`, or -1 when absent. */
  find(group: number, text: string): number {
    const hash = this.load(group, text)
    const at = this.probe(group, hash)
    return at < 0 ? -1 : (this.buckets[at] as number) - 1
  }

  /** The id of `(group, text)`, added when absent: then the id is `size - 1` afterwards. */
  intern(group: number, text: string): number {
    const hash = this.load(group, text)
    const at = this.probe(group, hash)
    if (at >= 0) return (this.buckets[at] as number) - 1
    const id = this.append(group, hash)
    if (this.count > this.buckets.length * MAX_LOAD) this.rehash()
    else this.buckets[~at] = id + 1
    return id
  }

  group(id: number): number {
    return this.groups.get(id)
  }

  text(id: number): string {
    const { bytes, start } = this.locate(id)
    const end = start + this.lengths.get(id)
    let ascii = true
    for (let i = start; i < end && ascii; i++) ascii = (bytes[i] as number) < 0x80
    // Bytes below 0x80 are the same characters in every single-byte decoding.
    if (ascii) return latin1.decode(bytes.subarray(start, end))
    const parts: string[] = []
    const units = new Uint16Array(Math.min(4096, end - start + 1))
    let n = 0
    for (let i = start; i < end; i++) {
      const x = bytes[i] as number
      if (x < 0x80) units[n++] = x
      else {
        units[n++] = ((x & 15) << 12) | ((bytes[i + 1] as number) << 6) | (bytes[i + 2] as number)
        i += 2
      }
      if (n === units.length) {
        parts.push(String.fromCharCode(...units))
        n = 0
      }
    }
    parts.push(String.fromCharCode(...units.subarray(0, n)))
    return parts.length === 1 ? (parts[0] as string) : parts.join('')
  }

  private locate(id: number): { bytes: Uint8Array; start: number } {
    const at = this.starts.get(id) >>> 0
    return { bytes: this.pages[at >>> PAGE_BITS] as Uint8Array, start: at & (PAGE_SIZE - 1) }
  }

  /** Encodes `text` into the scratch buffer and hashes it with `group` (FNV-1a, 32 bits). */
  private load(group: number, text: string): number {
    if (this.scratch.length < text.length * 3) this.scratch = new Uint8Array(text.length * 3 + 64)
    const s = this.scratch
    // ASCII text (most names) is the same bytes in this encoding and in UTF-8: the native encoder
    // writes it. A string with any other unit writes more bytes than it has units, and is redone below.
    let n = utf8.encodeInto(text, s).written
    if (n !== text.length) n = 0
    for (let i = n; i < text.length; i++) {
      const u = text.charCodeAt(i)
      if (u < 0x80) s[n++] = u
      else {
        s[n++] = 0x80 | (u >> 12)
        s[n++] = (u >> 6) & 63
        s[n++] = u & 63
      }
    }
    this.scratchLength = n
    let h = (0x811c9dc5 ^ group) >>> 0
    for (let i = 0; i < n; i++) h = Math.imul(h ^ (s[i] as number), 0x01000193)
    return h | 0
  }

  /** The bucket holding the scratch key, or ~(the empty bucket where it would go). */
  private probe(group: number, hash: number): number {
    const mask = this.buckets.length - 1
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const slot = this.buckets[at] as number
      if (slot === 0) return ~at
      const id = slot - 1
      if (this.hashes.get(id) === hash && this.groups.get(id) === group && this.sameBytes(id)) return at
    }
  }

  private sameBytes(id: number): boolean {
    if (this.lengths.get(id) !== this.scratchLength) return false
    const { bytes, start } = this.locate(id)
    const s = this.scratch
    for (let i = 0; i < this.scratchLength; i++) if (bytes[start + i] !== s[i]) return false
    return true
  }

  private append(group: number, hash: number): number {
    const length = this.scratchLength
    if (this.page < 0 || this.used + length > PAGE_SIZE || this.used === PAGE_SIZE) {
      // A new page; one longer than a page is sized to fit and takes as many page numbers.
      const last = this.pages[this.page]
      this.page += last && last.length > PAGE_SIZE ? Math.ceil(last.length / PAGE_SIZE) : 1
      if (this.page >= 1024) throw new Error('CompactKeys: more than 4 GB of names')
      this.pages[this.page] = new Uint8Array(Math.max(PAGE_SIZE, length))
      this.used = 0
    }
    const bytes = this.pages[this.page] as Uint8Array
    const scratch = this.scratch
    // A plain loop: for keys of tens of bytes, subarray + set cost about 1 µs a key (6% of a large run).
    for (let i = 0, at = this.used; i < length; i++, at++) bytes[at] = scratch[i] as number
    const id = this.count++
    this.starts.set(id, this.page * PAGE_SIZE + this.used)
    this.lengths.set(id, length)
    this.groups.set(id, group)
    this.hashes.set(id, hash)
    this.used += length
    if (this.used >= PAGE_SIZE) this.used = PAGE_SIZE
    return id
  }

  private rehash(): void {
    const buckets = new Int32Array(this.buckets.length * 2)
    const mask = buckets.length - 1
    for (let id = 0; id < this.count; id++) {
      let at = this.hashes.get(id) & mask
      while (buckets[at] !== 0) at = (at + 1) & mask
      buckets[at] = id + 1
    }
    this.buckets = buckets
  }
}

const COLUMN_BITS = 16
const COLUMN_PAGE = 1 << COLUMN_BITS

/**
 * 32-bit numbers by dense index, written in order, in pages of 64K added as needed. The first page
 * starts small and doubles (a run of a few tests should not zero a megabyte at start-up).
 */
class Column {
  private readonly pages: Int32Array[] = [new Int32Array(1024)]

  get(i: number): number {
    return (this.pages[i >>> COLUMN_BITS] as Int32Array)[i & (COLUMN_PAGE - 1)] as number
  }

  set(i: number, value: number): void {
    const page = i >>> COLUMN_BITS
    if (page === this.pages.length) this.pages.push(new Int32Array(COLUMN_PAGE))
    else if (page === 0 && i === (this.pages[0] as Int32Array).length) {
      const first = new Int32Array(i * 2)
      first.set(this.pages[0] as Int32Array)
      this.pages[0] = first
    }
    ;(this.pages[page] as Int32Array)[i & (COLUMN_PAGE - 1)] = value
  }
}

/** A copy half as large again: a large run never holds twice what it needs. */
export function grow<T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(a: T): T {
  const out = new (a.constructor as new (n: number) => T)(Math.ceil(a.length * 1.5))
  out.set(a)
  return out
}
