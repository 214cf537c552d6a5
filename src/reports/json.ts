import { JSONParser } from '@streamparser/json'
import { ConfigError } from '../errors.js'

export type JsonKeys = (string | number | undefined)[]

/**
 * Streams a JSON document and calls `onValue` for every value at one of `paths` (JSONPath-like,
 * e.g. `$.results.tests.*`) as soon as it is complete; nothing else is kept. Text is fed line by
 * line, so `line` is where the value ends and a syntax error has an exact line and column.
 */
export async function streamJson(chunks: AsyncIterable<string>, reportPath: string, formatName: string, paths: string[], onValue: (value: unknown, keys: JsonKeys, line: number) => void): Promise<void> {
  const parser = new JSONParser({ paths, keepStack: false })
  let current = 0
  let lineStart = 0
  let failure: unknown
  parser.onValue = ({ value, stack }) => {
    if (failure) return
    try {
      onValue(value, stack.map((s) => s.key as string | number | undefined), current)
    } catch (e) {
      failure = e
    }
  }
  parser.onError = (e) => {
    failure ??= e
  }
  // Fed piece by piece, a piece never crossing a line end: no line is ever assembled (a minified
  // report is one line of many megabytes), yet every value and error knows its line.
  let written = 0
  current = 1
  const feed = (piece: string): void => {
    if (piece === '') return
    try {
      if (!parser.isEnded) parser.write(piece)
      else if (piece.trim()) throw new Error(`unexpected text after the end of the JSON document`)
    } catch (e) {
      failure ??= e
    }
    written += piece.length
    if (failure) throw asConfigError(failure, reportPath, formatName, current, lineStart)
  }
  for await (const chunk of chunks) {
    let start = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      feed(chunk.slice(start, nl + 1))
      current++
      lineStart = written
      start = nl + 1
    }
    feed(start === 0 ? chunk : chunk.slice(start))
  }
  // A value completes only when the parser sees what follows it; the last line is where it ends.
  if (current > 1 && lineStart === written) current--
  if (!parser.isEnded) throw ConfigError.at(reportPath, `the ${formatName} JSON document ends early (truncated?)`, current)
}

function asConfigError(e: unknown, reportPath: string, formatName: string, line: number, lineStart: number): ConfigError {
  if (e instanceof ConfigError) return e
  const message = (e as Error).message
  const at = /absolute position "(\d+)"/.exec(message)
  const col = at ? Number(at[1]) - lineStart + 1 : undefined
  return ConfigError.at(reportPath, `invalid ${formatName} JSON: ${message.replace(/ at chunk position.*$/, '').replace(/ in state \w+$/, '')}`, line, col !== undefined && col > 0 ? col : undefined)
}

/** Small helpers to read untrusted JSON without trusting its shape. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
export const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** Milliseconds (as JavaScript runners write them) → seconds; undefined when absent or negative. */
export function durationMs(v: unknown): number | undefined {
  const n = num(v)
  return n !== undefined && n >= 0 ? n / 1000 : undefined
}
