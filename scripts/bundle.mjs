// Builds the two committed bundles: dist/index.js (the action) and dist/cli.js (the sox-gate bin).
// ESM output; CommonJS dependencies (saxes, ajv, yaml's cjs bits) need a real `require`, hence the banner.
import { build } from 'esbuild'

const banner = {
  js: "import { createRequire as __soxCreateRequire } from 'node:module'; const require = __soxCreateRequire(import.meta.url);"
}
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  banner
}
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + banner.js } })
// The report worker thread (src/workers/pool.ts starts it from beside dist/index.js or dist/cli.js).
await build({ ...common, entryPoints: ['src/workers/report-worker.ts'], outfile: 'dist/report-worker.js' })
