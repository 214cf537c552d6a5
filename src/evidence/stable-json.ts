/**
 * JSON with object keys sorted at every level and a final newline: the same data always gives
 * the same bytes, which is what makes a bundle reproducible and its hashes comparable.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n'
}

/**
 * stableJson's text, the same to the byte, in pieces of about `size` characters: a manifest that
 * lists every matched test of a large run is tens of megabytes, written and hashed piece by piece
 * instead of being held whole (with its UTF-8 copy) at the run's peak.
 */
export function* stableJsonPieces(value: unknown, size = 64 * 1024): Generator<string> {
  let parts: string[] = []
  let length = 0
  for (const part of formatted(sortKeys(value), '')) {
    parts.push(part)
    length += part.length
    if (length >= size) {
      yield parts.join('')
      parts = []
      length = 0
    }
  }
  parts.push('\n')
  yield parts.join('')
}

/** JSON.stringify(value, null, 2) as a sequence of parts; `value` is plain data (sortKeys' output). */
function* formatted(value: unknown, indent: string): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]'
      return
    }
    const inner = indent + '  '
    yield '[\n' + inner
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',\n' + inner
      const v: unknown = value[i]
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null'
      else yield* formatted(v, inner)
    }
    yield '\n' + indent + ']'
    return
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol')
    if (entries.length === 0) {
      yield '{}'
      return
    }
    const inner = indent + '  '
    let first = true
    for (const [k, v] of entries) {
      yield (first ? '{\n' : ',\n') + inner + JSON.stringify(k) + ': '
      first = false
      yield* formatted(v, inner)
    }
    yield '\n' + indent + '}'
    return
  }
  yield JSON.stringify(value) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) out[key] = sortKeys(v)
  }
  return out
}
