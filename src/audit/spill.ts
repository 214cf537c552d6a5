import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'

/**
 * Items kept in a temporary file (one JSON line each) while the audit does something else: a
 * year's deployments wait on disk while the ledger is walked and the bundles are read, the phase
 * where the store's client makes the most garbage, so the heap it grows to stays small.
 */
export class Spill<T> {
  private constructor(
    private readonly dir: string,
    private readonly file: string,
    private readonly out: WriteStream
  ) {}

  count = 0

  static async create<T>(): Promise<Spill<T>> {
    const dir = await mkdtemp(path.join(tmpdir(), 'sox-gate-audit-spill-'))
    const file = path.join(dir, 'items.ndjson')
    return new Spill<T>(dir, file, createWriteStream(file))
  }

  /** Appends one item; waits when the file's buffer is full. */
  async push(item: T): Promise<void> {
    this.count += 1
    if (!this.out.write(JSON.stringify(item) + '\n')) await new Promise<void>((resolve) => this.out.once('drain', resolve))
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())))
  }

  /** Every item, in the order pushed (after close). */
  async *items(): AsyncGenerator<T> {
    const lines = createInterface({ input: createReadStream(this.file), crlfDelay: Infinity })
    for await (const line of lines) if (line !== '') yield JSON.parse(line) as T
  }

  async dispose(): Promise<void> {
    if (!this.out.closed) this.out.destroy()
    await rm(this.dir, { recursive: true, force: true })
  }
}
