import { createReadStream, readdirSync } from 'node:fs'
import path from 'node:path'
import { maskReportChunks } from '../src/evidence/mask-stream.js'
import { decodeChunks } from '../src/reports/decode.js'
import { emptyCounts } from '../src/reports/mask.js'
import type { TestCase } from '../src/reports/model.js'
import { readReport } from '../src/reports/read.js'
import { CORPUS, corpusFiles, describeCorpus } from './helpers/corpus.js'

const FOLDERS = ['ctest-xml', 'ctrf-json', 'dart-json', 'go-test-json', 'jest-json', 'junit-xml', 'mocha-json', 'mochawesome-json', 'nunit2-xml', 'nunit3-xml', 'rspec-json', 'tap', 'testng-xml', 'trx', 'xunit-net-xml']

async function cases(file: string, masked: boolean): Promise<{ stats: unknown; outcomes: string[] }> {
  const outcomes: string[] = []
  const text = decodeChunks(createReadStream(file, { highWaterMark: 256 * 1024 }))
  const stats = await readReport(masked ? maskReportChunks(text, emptyCounts()) : text, 'r', (tc: TestCase) => outcomes.push(`${tc.line} ${tc.status} ${tc.attempts.join(',')} ${tc.tags.join(',')}`))
  return { stats, outcomes }
}

describeCorpus('the gate reads reports masked: on the real corpus that changes no count, status, line or tag', () => {
  const files = FOLDERS.flatMap((dir) => corpusFiles(dir).map((f) => `${dir}/${f}`)).filter((f) => !f.startsWith('(') && readdirSync(path.join(CORPUS, path.dirname(f))).length > 0)
  test.each(files)('%s', async (rel) => {
    const file = path.join(CORPUS, rel)
    expect(await cases(file, true)).toEqual(await cases(file, false))
  })
})
