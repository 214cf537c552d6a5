import { JSONParser } from '@streamparser/json'
import { ConfigError } from '../errors.js'
import { lines } from './lines.js'

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
  for await (const { text, line, ended } of lines(chunks)) {
    current = line
    try {
      if (!parser.isEnded) parser.write(ended ? text + '\n' : text)
      else if (text.trim()) throw new Error(`unexpected text after the end of the JSON document`)
    } catch (e) {
      failure ??= e
    }
    if (failure) throw asConfigError(failure, reportPath, formatName, line, lineStart)
    lineStart += text.length + 1
  }
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
