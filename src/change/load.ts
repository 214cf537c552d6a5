import { parseWithPositions, schemaProblems } from '../controls/positions.js'
import { validateChangeRecord } from '../schemas.js'
import { ConfigError } from '../errors.js'
import type { ChangeRecord } from './model.js'

/**
 * Reads a change record file (JSON) for offline evaluation. JSON is parsed as YAML, its superset,
 * so that every error — syntax or schema — points at a line and column.
 */
export function loadChangeRecord(text: string, file: string): ChangeRecord {
  // A change record of thousands of commits is still far below this; the bound is against runaway input.
  const { data, positions } = parseWithPositions(text, file, 32 * 1024 * 1024)
  if (!validateChangeRecord(data)) {
    throw new ConfigError(schemaProblems(validateChangeRecord.errors ?? [], file, positions, ' (not a sox-gate change record)'))
  }
  return data as unknown as ChangeRecord
}
