import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import changeRecordSchema from '../schema/change-record.schema.json' with { type: 'json' }
import controlMapSchema from '../schema/control-map.schema.json' with { type: 'json' }
import manifestSchema from '../schema/manifest.schema.json' with { type: 'json' }
import options from './schema-options.json' with { type: 'json' }

/*
 * The schema validators compiled at load time: what tests and the type checker see. The bundle
 * never contains this file: scripts/bundle.mjs puts ajv's standalone code for the same schemas,
 * compiled with the same options (schema-options.json), in its place.
 */

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020

const ajv = new Ajv2020({ ...options.ajv })
addFormats(ajv)

export const validateControlMap = ajv.compile(controlMapSchema)
export const validateChangeRecord = ajv.compile(changeRecordSchema)
export const validateManifest = ajv.compile(manifestSchema)
