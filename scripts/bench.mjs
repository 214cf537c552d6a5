// npm run bench — report → decision throughput and peak memory of the bundled CLI.
// Generates JUnit reports of 10k, 200k and 1M test cases (bench-data/, git-ignored) and a control
// map of 1,000 controls (tags, suite globs, name globs, a few regexes), then runs
// `node dist/cli.js check` on each and prints MB/s and peak RSS. A benchmark, not a test.
import { spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { once } from 'node:events'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const DATA = path.join(ROOT, 'bench-data')
const SIZES = (process.env.BENCH_SIZES ?? '10000,200000,1000000').split(',').map(Number)
const CONTROLS = 1000
mkdirSync(DATA, { recursive: true })

function controlMap() {
  const lines = ['version: 1', 'system: bench', 'controls:']
  for (let i = 0; i < CONTROLS; i++) {
    const id = `CTL-${String(i).padStart(4, '0')}`
    lines.push(`  - id: ${id}`, `    title: Control ${i}`, '    tests:', `      - tag: ${id}`)
    if (i % 10 === 0) lines.push(`      - suite: "com.example.mod${i % 97}.*"`)
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

const mapFile = path.join(DATA, 'controls.yml')
writeFileSync(mapFile, controlMap())
console.log(`sox-gate bench: ${CONTROLS} controls, node ${process.version}`)
console.log('cases      | report MB | seconds | MB/s   | peak RSS MB | decision')
for (const cases of SIZES) {
  const file = path.join(DATA, `junit-${cases}.xml`)
  await generate(cases, file)
  const mb = statSync(file).size / 1e6
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'scripts/bench-rss.mjs'), path.join(ROOT, 'dist/cli.js'), 'check', '--controls', mapFile, '--reports', file, '--format', 'json', '--now', '2026-11-22T12:00:00Z'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr)
    process.exit(1)
  }
  const decision = JSON.parse(r.stdout).decision
  console.log(`${String(cases).padEnd(10)} | ${mb.toFixed(1).padStart(9)} | ${seconds.toFixed(2).padStart(7)} | ${(mb / seconds).toFixed(1).padStart(6)} | ${rss.toFixed(0).padStart(11)} | ${decision}`)
}
