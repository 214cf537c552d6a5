import { ConfigError } from '../errors.js'

/** The longest line a line-based report may have: a test event is never anywhere near it (SPEC §12). */
export const MAX_LINE = 16 * 1024 * 1024

export interface Line {
  /** The line without its line end. */
  text: string
  /** 1-based. */
  line: number
  /** False for a last line with no line end. */
  ended: boolean
}

/**
 * Text chunks → lines. Linear in the input: each chunk is scanned once, and the pieces of a line
 * that spans chunks are joined once, when its end arrives. A line longer than MAX_LINE is refused
 * as soon as it is, naming the report and the line, so a gigabyte with no newline costs no memory.
 */
export async function* lines(chunks: AsyncIterable<string>, reportPath: string): AsyncGenerator<Line> {
  let pieces: string[] = []
  let piecesLength = 0
  let line = 0
  const tooLong = (): ConfigError => ConfigError.at(reportPath, `line ${line + 1} is longer than ${MAX_LINE / 1024 / 1024} MiB: not a test report line, refused`, line + 1)
  for await (const chunk of chunks) {
    let start = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      let text = chunk.slice(start, nl)
      if (pieces.length > 0) {
        if (piecesLength + text.length > MAX_LINE) throw tooLong()
        pieces.push(text)
        text = pieces.join('')
        pieces = []
        piecesLength = 0
      } else if (text.length > MAX_LINE) throw tooLong()
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1)
      yield { text, line: ++line, ended: true }
      start = nl + 1
    }
    if (start < chunk.length) {
      piecesLength += chunk.length - start
      if (piecesLength > MAX_LINE) throw tooLong()
      pieces.push(start === 0 ? chunk : chunk.slice(start))
    }
  }
  if (pieces.length > 0) {
    const text = pieces.join('')
    yield { text: text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, line: line + 1, ended: false }
  }
}
