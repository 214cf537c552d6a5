import type { ErrorObject } from 'ajv'

/**
 * The three JSON Schemas the project ships (control map, change record, manifest) as validators.
 * In dist/ these are ajv's standalone code, generated from schema/ when scripts/bundle.mjs builds
 * (no schema compilation at start-up); from source (tests, typecheck) they are compiled at load.
 */
export { validateChangeRecord, validateControlMap, validateManifest } from './schema-validators.js'

/** One ajv error in words a person reads; `key` is set when the error is about a key, not a value. */
export function describeSchemaError(e: ErrorObject): { message: string; key?: string } {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return { message: `unknown key "${String(p.additionalProperty)}"`, key: String(p.additionalProperty) }
    case 'required':
      return { message: `missing required key "${String(p.missingProperty)}"` }
    case 'enum':
      return { message: `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` }
    case 'const':
      return { message: `must be ${JSON.stringify(p.allowedValue)}` }
    case 'type':
      return { message: `must be ${article(String(p.type))}` }
    case 'pattern':
      return { message: `must match ${String(p.pattern)} (letters, digits, ".", "_" and "-")` }
    case 'format':
      return { message: `must be a ${String(p.format)} (e.g. 2026-12-05T00:00:00Z)` }
    case 'minProperties':
    case 'maxProperties':
      return { message: 'a selector has exactly one of: tag, name, suite, file, regex' }
    case 'minItems':
      return { message: `must list at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` }
    case 'minLength':
      return { message: 'must not be empty' }
    case 'minimum':
      return { message: `must be at least ${String(p.limit)}` }
    case 'maximum':
      return { message: `must be at most ${String(p.limit)}` }
    case 'uniqueItems':
      return { message: 'must not list the same item twice' }
    default:
      return { message: e.message ?? `fails ${e.keyword}` }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}
