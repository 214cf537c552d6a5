import { CaseMapper, emptyTotals } from '../engine/case-mapper.js'
import { ConfigError } from '../errors.js'
import { SpoolWriter } from '../evidence/spool.js'
import { readReportFile } from '../pipeline/read-report-file.js'
import { BatchWriter, transferList, type ReadTask, type WorkerMessage } from './protocol.js'

/**
 * Reads one report into messages: its mapped cases in batches, then done / problems / failed.
 * A worker thread posts them to the main thread; the main thread, reading a report ahead of the
 * one it folds, keeps them until that report's turn. Same code, same messages, either way.
 */
export async function readTask({ index, file, spoolFile }: ReadTask, mapper: CaseMapper, send: (m: WorkerMessage, transfer: ArrayBuffer[]) => void): Promise<void> {
  const totals = emptyTotals()
  mapper.totals = totals
  const batch = new BatchWriter(file.path)
  const flush = (): void => {
    const b = batch.take()
    if (b) send({ kind: 'batch', index, batch: b }, transferList(b))
  }
  const spooled = spoolFile === undefined ? undefined : new SpoolWriter(spoolFile)
  try {
    const report = await readReportFile(file, (raw) =>
      mapper.map(raw, (tc, ids) => {
        batch.add(tc, ids)
        if (batch.full) flush()
      }),
      spooled
    )
    flush()
    const copy = spooled?.finish()
    send({ kind: 'done', index, report, totals, ...(copy ? { copy } : {}) }, [])
  } catch (e) {
    if (e instanceof ConfigError) send({ kind: 'problems', index, problems: e.problems }, [])
    else send({ kind: 'failed', index, message: (e as Error).message }, [])
  } finally {
    spooled?.finish()
  }
}
