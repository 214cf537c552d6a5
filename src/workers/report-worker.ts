/**
 * A report worker thread (bundled as dist/report-worker.js, started by src/workers/pool.ts): reads
 * the reports it is given one at a time — hash, decode, mask, parse, map, exactly as the main
 * thread would — and sends back the mapped cases in batches. Folding them into the decision is
 * left to the main thread, in file order, so the result is the one a single thread reaches.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Control } from '../controls/model.js'
import { CaseMapper } from '../engine/case-mapper.js'
import type { ReadTask, WorkerMessage } from './protocol.js'
import { readTask } from './read-task.js'

const port = parentPort
if (!port) throw new Error('report-worker: not started as a worker thread')
const { controls, crashOn } = workerData as { controls: Control[]; crashOn?: string }
const mapper = new CaseMapper(controls)

const send = (message: WorkerMessage, transfer: ArrayBuffer[]): void => port.postMessage(message, transfer)

// Tasks queue up (the pool sends the next before this one ends, so no worker waits): one at a time.
let queue = Promise.resolve()
port.on('message', (task: ReadTask) => {
  queue = queue.then(() => read(task))
})

async function read(task: ReadTask): Promise<void> {
  // Test hook (SOX_GATE_TEST_WORKER_CRASH=NAME or throw:NAME, see pool.ts): the worker exits, or
  // throws where nothing catches it, on the report whose path holds NAME — as a crash would.
  if (crashOn?.startsWith('throw:') && task.file.path.includes(crashOn.slice(6))) {
    setImmediate(() => {
      throw new Error('worker test crash')
    })
    return
  }
  if (crashOn !== undefined && task.file.path.includes(crashOn)) process.exit(70)
  await readTask(task, mapper, send)
}
