import { ConfigError } from '../errors.js'
import { ctestReader } from './ctest/reader.js'
import { ctrfReader } from './ctrf/reader.js'
import { dartReader } from './dart/reader.js'
import { goTestReader } from './go-test/reader.js'
import { jestReader } from './jest/reader.js'
import { mochaReader, mochawesomeReader } from './mocha/reader.js'
import { rspecReader } from './rspec/reader.js'
import { tapReader } from './tap/reader.js'
import { junitReader } from './junit/reader.js'
import { nunit2Reader, nunit3Reader } from './nunit/reader.js'
import { testngReader } from './testng/reader.js'
import { trxReader } from './trx/reader.js'
import { xunitNetReader } from './xunit-net/reader.js'
import { rootElementName } from './xml.js'
import type { CaseSink, ReportReader, ReportStats } from './model.js'

/** Every format we read, in the order they are tried. */
export const READERS: readonly ReportReader[] = [
  junitReader,
  trxReader,
  nunit3Reader,
  nunit2Reader,
  xunitNetReader,
  testngReader,
  ctestReader,
  ctrfReader,
  jestReader,
  mochaReader,
  mochawesomeReader,
  rspecReader,
  goTestReader,
  dartReader,
  tapReader
]

const HEAD_SIZE = 4096
/** XML may open with long comments; look this far for the root element before giving up. */
const HEAD_LIMIT = 256 * 1024

/**
 * Detects the format from the first few KB of text (never from the file name) and streams the
 * whole report through that format's reader.
 */
export async function readReport(chunks: AsyncIterable<string>, reportPath: string, sink: CaseSink): Promise<ReportStats> {
  const iterator = chunks[Symbol.asyncIterator]()
  const buffered: string[] = []
  let head = ''
  while (head.length < HEAD_SIZE || (head.length < HEAD_LIMIT && head.trimStart().startsWith('<') && rootElementName(head) === undefined)) {
    const next = await iterator.next()
    if (next.done) break
    buffered.push(next.value)
    head += next.value
  }
  if (head.trim() === '') throw ConfigError.at(reportPath, 'empty report: no content')
  if (head.includes('\u0000')) throw ConfigError.at(reportPath, 'binary file, not a test report')
  if (rootElementName(head) === '!DOCTYPE') {
    throw ConfigError.at(reportPath, 'declares a DTD (<!DOCTYPE>): refused as unsafe, reports must not use DTDs or entities', lineOf(head, head.indexOf('<!DOCTYPE')))
  }
  const reader = READERS.find((r) => r.sniff(head))
  if (!reader) {
    throw ConfigError.at(reportPath, `not a known report format (tried: ${READERS.map((r) => r.format).join(', ')})`)
  }
  async function* replay(): AsyncGenerator<string> {
    yield* buffered
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value
  }
  return reader.read(replay(), reportPath, sink)
}

function lineOf(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++
  return line
}
