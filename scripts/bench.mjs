// npm run bench — report → decision throughput and peak memory of the bundled CLI.
// Generates JUnit reports of 10k, 200k and 1M test cases (bench-data/, git-ignored) and two control
// maps of 1,000 controls (tags, suite globs, name globs with and without a literal prefix, a few
// regexes): "typical" maps about 15% of the cases, "stress" maps every case. Runs
// `node dist/cli.js check` on each pair and prints MB/s and peak RSS. A benchmark, not a test.
// BENCH_SIZES=10000,200000 limits the sizes; BENCH_NODE=/path/to/node runs another Node binary.
import { spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { once } from 'node:events'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const DATA = path.join(ROOT, 'bench-data')
const SIZES = (process.env.BENCH_SIZES ?? '10000,200000,1000000').split(',').map(Number)
const CONTROLS = 1000
mkdirSync(DATA, { recursive: true })

function controlMap(stress) {
  const lines = ['version: 1', 'system: bench', 'controls:']
  if (stress) lines.push('  - id: EVERYTHING', '    title: Every case', '    tests:', '      - suite: "com.example.*"', '    allow-skipped: true')
  for (let i = 0; i < CONTROLS; i++) {
    const id = `CTL-${String(i).padStart(4, '0')}`
    lines.push(`  - id: ${id}`, `    title: Control ${i}`, '    tests:', `      - tag: ${id}`)
    if (i % 100 === 0) lines.push(`      - suite: "com.example.mod${i / 100}.*"`)
    if (i % 25 === 0) lines.push(`      - name: "*scenario ${i} *"`)
    if (i % 200 === 0) lines.push(`      - regex: "^com\\\\.example\\\\.mod${i % 97}\\\\..* handles case ${i}$"`)
    lines.push('    allow-skipped: true', '    flaky: pass')
  }
  return lines.join('\n') + '\n'
}

async function generate(cases, file) {
  if (existsSync(file)) return
  const out = createWriteStream(file)
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
  const perSuite = 100
  for (let s = 0; s * perSuite < cases; s++) {
    const suite = `com.example.mod${s % 97}.Suite${s}`
    await write(`  <testsuite name="${suite}" tests="${perSuite}" time="1.0">\n`)
    for (let c = 0; c < perSuite && s * perSuite + c < cases; c++) {
      const n = s * perSuite + c
      const tagged = n % 50 === 0 ? `\n      <properties><property name="control" value="CTL-${String(n % CONTROLS).padStart(4, '0')}"/></properties>\n    ` : ''
      const body = n % 997 === 0 ? `<skipped message="not on this platform"/>` : n % 1499 === 0 ? `<flakyFailure message="timeout"><stackTrace>at x</stackTrace></flakyFailure>` : ''
      const inner = tagged + body
      await write(inner ? `    <testcase classname="${suite}" name="scenario ${n % 1000} handles case ${n}" time="0.012">${inner}</testcase>\n` : `    <testcase classname="${suite}" name="scenario ${n % 1000} handles case ${n}" time="0.012"/>\n`)
    }
    await write('  </testsuite>\n')
  }
  await write('</testsuites>\n')
  out.end()
  await once(out, 'finish')
}

/** The same cases as CTRF JSON: the streaming JSON path (one test object at a time). */
async function generateCtrf(cases, file) {
  if (existsSync(file)) return
  const out = createWriteStream(file)
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  await write('{"results":{"tool":{"name":"bench"},"summary":{"tests":' + cases + '},"tests":[\n')
  for (let n = 0; n < cases; n++) {
    const s = Math.floor(n / 100)
    const tag = n % 50 === 0 ? ` [CTL-${String(n % CONTROLS).padStart(4, '0')}]` : ''
    const status = n % 997 === 0 ? 'skipped' : 'passed'
    await write(`${n ? ',\n' : ''}{"name":"scenario ${n % 1000} handles case ${n}${tag}","status":"${status}","duration":12,"suite":"com.example.mod${s % 97}.Suite${s}","filePath":"src/mod${s % 97}/suite${s}.test.ts"}`)
  }
  await write('\n]}}\n')
  out.end()
  await once(out, 'finish')
}

const maps = { typical: path.join(DATA, 'controls-typical.yml'), stress: path.join(DATA, 'controls-stress.yml') }
writeFileSync(maps.typical, controlMap(false))
writeFileSync(maps.stress, controlMap(true))
const node = process.env.BENCH_NODE ?? process.execPath
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
console.log(`sox-gate bench: ${CONTROLS} controls, node ${version}`)
console.log('map      | cases      | report MB | seconds | MB/s   | peak RSS MB | mapped cases | decision')
for (const cases of SIZES) {
  const file = path.join(DATA, `junit-${cases}.xml`)
  await generate(cases, file)
  for (const [kind, mapFile] of Object.entries(maps)) await measure(kind, mapFile, cases, file)
}
console.log('CTRF JSON (streaming JSON):')
for (const cases of SIZES) {
  const file = path.join(DATA, `ctrf-${cases}.json`)
  await generateCtrf(cases, file)
  await measure('typical', maps.typical, cases, file)
}

async function measure(kind, mapFile, cases, file) {
  const mb = statSync(file).size / 1e6
  const started = process.hrtime.bigint()
  const r = spawnSync(node, ['--import', path.join(ROOT, 'scripts/bench-rss.mjs'), path.join(ROOT, 'dist/cli.js'), 'check', '--controls', mapFile, '--reports', file, '--format', 'json', '--now', '2026-11-22T12:00:00Z'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr)
    process.exit(1)
  }
  const out = JSON.parse(r.stdout)
  const mapped = out.totals.cases - out.totals.unmapped
  console.log(`${kind.padEnd(8)} | ${String(cases).padEnd(10)} | ${mb.toFixed(1).padStart(9)} | ${seconds.toFixed(2).padStart(7)} | ${(mb / seconds).toFixed(1).padStart(6)} | ${rss.toFixed(0).padStart(11)} | ${String(mapped).padStart(12)} | ${out.decision}`)
}
