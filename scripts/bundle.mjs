// Builds the two committed bundles: dist/index.js (the action) and dist/cli.js (the sox-gate bin).
// ESM output; CommonJS dependencies (saxes, ajv, yaml's cjs bits) need a real `require`, hence the banner.
import { readFileSync, rmSync } from 'node:fs'
import { build } from 'esbuild'
import { Ajv2020 } from 'ajv/dist/2020.js'
import standaloneCode from 'ajv/dist/standalone/index.js'
import addFormats from 'ajv-formats'

/**
 * src/schema-validators.ts compiles the schemas when it is loaded (about 135 ms of every start).
 * The bundle gets ajv's standalone code for the same schemas and options instead, generated here
 * on every build: the same schemas and ajv version give the same code, so dist/ stays reproducible.
 */
function schemaValidatorsCode() {
  const options = JSON.parse(readFileSync('src/schema-options.json', 'utf8'))
  const ajv = new Ajv2020({ ...options.ajv, code: { source: true, esm: true } })
  ;(addFormats.default ?? addFormats)(ajv)
  const exports = {}
  for (const [name, file] of Object.entries(options.validators)) {
    const schema = JSON.parse(readFileSync(`schema/${file}`, 'utf8'))
    ajv.addSchema(schema)
    exports[name] = schema.$id
  }
  return (standaloneCode.default ?? standaloneCode)(ajv, exports)
}

const standaloneValidators = {
  name: 'standalone-schema-validators',
  setup(b) {
    b.onResolve({ filter: /[/\\]schema-validators\.js$/ }, (args) => ({ path: args.path, namespace: 'schema-validators', pluginData: args.resolveDir }))
    b.onLoad({ filter: /.*/, namespace: 'schema-validators' }, (args) => ({ contents: schemaValidatorsCode(), loader: 'js', resolveDir: args.pluginData }))
  }
}

const banner = {
  js: "import { createRequire as __soxCreateRequire } from 'node:module'; const require = __soxCreateRequire(import.meta.url);"
}
// Code splitting: what is loaded with `await import()` (the AWS SDK, @actions/artifact and the
// Azure SDK under it, Sigstore) goes to dist/chunks/ and is read only by a run that uses it, so a
// plain `check` parses a third of the code. Chunk names are content hashes: the same sources give
// the same files. Old chunks are removed first, so dist/ holds exactly what this build made.
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  banner,
  plugins: [standaloneValidators],
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]'
}
rmSync('dist/chunks', { recursive: true, force: true })
await build({ ...common, entryPoints: ['src/index.ts'], chunkNames: 'chunks/action-[hash]' })
await build({ ...common, entryPoints: ['src/cli.ts'], chunkNames: 'chunks/cli-[hash]', banner: { js: '#!/usr/bin/env node\n' + banner.js } })
// The report worker thread (src/workers/pool.ts starts it from beside dist/index.js or dist/cli.js).
await build({ ...common, entryPoints: ['src/workers/report-worker.ts'], chunkNames: 'chunks/worker-[hash]' })
