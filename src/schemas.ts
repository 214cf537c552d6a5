import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import changeRecordSchema from '../schema/change-record.schema.json' with { type: 'json' }
import controlMapSchema from '../schema/control-map.schema.json' with { type: 'json' }
import manifestSchema from '../schema/manifest.schema.json' with { type: 'json' }

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020

const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: false })
addFormats(ajv)

/** The three JSON Schemas the project ships (control map, change record, manifest), compiled once. */
export const validateControlMap = ajv.compile(controlMapSchema)
export const validateChangeRecord = ajv.compile(changeRecordSchema)
export const validateManifest = ajv.compile(manifestSchema)

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
