import { createReadStream } from 'node:fs'
import { decodeChunks } from '../../src/reports/decode.js'
import type { ReportStats, TestCase } from '../../src/reports/model.js'
import { readReport } from '../../src/reports/read.js'

/** Reads a report file through the real detection and reader, collecting its cases. */
export async function readFileCases(file: string, label = file): Promise<{ stats: ReportStats; cases: TestCase[] }> {
  const cases: TestCase[] = []
  const stats = await readReport(decodeChunks(createReadStream(file)), label, (tc) => cases.push(tc))
  return { stats, cases }
}

/** Reads report text given inline, split into small chunks to exercise streaming across chunk borders. */
export async function readTextCases(text: string, label = 'inline.xml', chunkSize = 7): Promise<{ stats: ReportStats; cases: TestCase[] }> {
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize)
  }
  const cases: TestCase[] = []
  const stats = await readReport(chunks(), label, (tc) => cases.push(tc))
  return { stats, cases }
}
