import { parseWithPositions, schemaProblems } from '../controls/positions.js'
import { validateChangeRecord } from '../schemas.js'
import { ConfigError } from '../errors.js'
import type { ChangeRecord } from './model.js'

/**
 * Reads a change record file (JSON) for offline evaluation. JSON is parsed as YAML, its superset,
 * so that every error — syntax or schema — points at a line and column.
 */
export function loadChangeRecord(text: string, file: string): ChangeRecord {
  // Bad JSON is told in JSON's words (YAML's would name flow maps and anchors), at its line and column.
  try {
    JSON.parse(text)
  } catch (e) {
    const message = (e as Error).message
    const at = /at position (\d+)/.exec(message) ?? (/end of JSON input/.test(message) ? ['', String(text.length)] : null)
    const words = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '')
    if (!at) throw ConfigError.at(file, `not valid JSON: ${words}`)
    const before = text.slice(0, Number(at[1]))
    const line = before.split('\n').length
    throw ConfigError.at(file, `not valid JSON: ${words}`, line, Number(at[1]) - before.lastIndexOf('\n'))
  }
  // A change record of thousands of commits is still far below this; the bound is against runaway input.
  const { data, positions } = parseWithPositions(text, file, 32 * 1024 * 1024)
  if (!validateChangeRecord(data)) {
    throw new ConfigError(schemaProblems(validateChangeRecord.errors ?? [], file, positions, ' (not a sox-gate change record)'))
  }
  return data as unknown as ChangeRecord
}
