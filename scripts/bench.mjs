// npm run bench — issue 13's figures, each next to its target, measured on this machine in one run.
// Runs the bundled CLI (`node dist/cli.js check`) as a user would, whole process, and reads its peak
// RSS (scripts/bench-rss.mjs). Inputs are generated into bench-data/ (git-ignored) and reused.
// A benchmark, not a test. Environment:
//   BENCH_RUNS=3        runs of the 96 MB cases (the median is shown)
//   BENCH_QUICK=1       skips the 1M-case row and the many-files bench
//   BENCH_NODE=/path    another Node binary
//   BENCH_CLI=/path     another build's cli.js (e.g. a release, for a before/after table)
//   BENCH_AUDIT=0       skips the audit benchmark (scripts/bench-audit.mjs)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { generateCtrf, generateJunit, generateJunitShort, generateTrx, map1000, map22, mapTypical } from './bench-data.mjs'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const DATA = path.join(ROOT, 'bench-data')
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const QUICK = process.env.BENCH_QUICK === '1'
const node = process.env.BENCH_NODE ?? process.execPath
const CLI = process.env.BENCH_CLI ?? 'dist/cli.js'
mkdirSync(DATA, { recursive: true })

const file = (name) => path.join(DATA, name)
const junit = file('junit-400k.xml')
const ctrf = file('ctrf-400k.json')
const trx = file('trx-150k.trx')
const short1m = file('junit-short-1m.xml')
writeFileSync(file('map-22.yml'), map22())
writeFileSync(file('map-1000.yml'), map1000())
writeFileSync(file('map-typical.yml'), mapTypical())
process.stdout.write('generating inputs in bench-data/ (first run only)…\n')
await generateJunit(400_000, junit)
await generateCtrf(400_000, ctrf)
await generateTrx(150_000, trx)
if (!QUICK) await generateJunitShort(1_000_000, short1m)

/** One whole-process run: wall seconds and peak RSS in MB. */
function run(args, { expect = [0, 1] } = {}) {
  const started = process.hrtime.bigint()
  const r = spawnSync(node, ['--import', path.join(ROOT, 'scripts/bench-rss.mjs'), ...args], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: ROOT })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (!expect.includes(r.status)) {
    process.stderr.write(r.stderr)
    throw new Error(`exit ${r.status}: node ${args.join(' ')}`)
  }
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024
  const cpu = Number(/BENCH_CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1e6
  return { seconds, rss, cpu, stdout: r.stdout }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** Median of `n` runs (by wall time), with the largest peak RSS of them; `before` runs before each. */
function measure(n, args, options, before = () => undefined) {
  const runs = Array.from({ length: n }, () => (before(), run(args, options)))
  return { seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), rss: Math.max(...runs.map((r) => r.rss)), stdout: runs[0].stdout }
}

const check = (report, map, extra = []) => [CLI, 'check', '--controls', map, '--reports', report, '--format', 'json', '--now', '2026-11-22T12:00:00Z', ...extra]

const rows = []
/** `issue`: the figure issue 13 measured before the work (its own machine, idle), shown beside this run's. */
function row(what, mb, m, target, note = '', issue = '') {
  const mbps = mb / m.seconds
  rows.push({ what, mb, seconds: m.seconds, mbps, cpu: m.cpu, rss: m.rss, target: target?.(mbps, m.rss, mb / m.cpu) ?? '', note })
  const r = rows[rows.length - 1]
  process.stdout.write(`${r.what.padEnd(44)} ${r.mb.toFixed(1).padStart(7)} ${r.seconds.toFixed(2).padStart(7)} ${r.mbps.toFixed(1).padStart(7)} ${r.cpu.toFixed(2).padStart(7)} ${(r.mb / r.cpu).toFixed(1).padStart(9)} ${r.rss.toFixed(0).padStart(8)}   ${issue.padEnd(27)} ${r.target}${r.note ? `  ${r.note}` : ''}\n`)
}
const speed = (min, maxRss) => (mbps, rss, perCpu) => {
  // Wall MB/s is the target's measure; MB per CPU second is what an idle core would give.
  const parts = [`≥ ${min} MB/s ${mbps >= min ? 'met' : 'NOT met'} (per CPU s: ${perCpu >= min ? 'met' : 'not met'})`]
  if (maxRss) parts.push(`RSS ≤ ${maxRss} MB ${rss <= maxRss ? 'met' : 'NOT met'}`)
  return parts.join(', ')
}

const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
const { loadavg } = await import('node:os')
process.stdout.write(`\nsox-gate bench (issue 13), node ${version}, ${RUNS} runs of the 96 MB cases (median), load average ${loadavg()[0].toFixed(1)} at the start\n`)
// CPU seconds (user + system) are shown beside wall time: on a shared machine they move less.
process.stdout.write(`${'case'.padEnd(44)} ${'MB'.padStart(7)} ${'wall s'.padStart(7)} ${'MB/s'.padStart(7)} ${'CPU s'.padStart(7)} ${'MB/CPU s'.padStart(9)} ${'peak RSS'.padStart(8)}   ${'issue: wall s, MB/s, RSS'.padEnd(27)} target (on wall MB/s)\n`)
const mbOf = (f) => statSync(f).size / 1e6

// The floor: reading the file and one indexOf over it, in a process of its own.
const floor = measure(RUNS, ['-e', `const b = require('node:fs').readFileSync(${JSON.stringify(junit)}); if (b.indexOf('\\u0000') !== -1) process.exit(3)`])
row('read file + indexOf (the floor)', mbOf(junit), floor, undefined, '', '0.36 s, 268 MB/s, 223 MB')

const gate = measure(RUNS, check(junit, file('map-22.yml')))
const decided = JSON.parse(gate.stdout)
row('JUnit 400k cases, 22 controls', mbOf(junit), gate, speed(50, 256), `(${decided.totals.cases} cases, ${decided.totals.cases - decided.totals.unmapped} mapped)`, '4.10 s, 23.5 MB/s, 141 MB')

const evidenceDir = file('evidence-out')
// A fresh evidence directory each run: replacing an earlier bundle first reads its manifest.
const withEvidence = measure(RUNS, [...check(junit, file('map-22.yml'), ['--evidence', evidenceDir])], undefined, () => rmSync(evidenceDir, { recursive: true, force: true }))
rmSync(evidenceDir, { recursive: true, force: true })
row('  the same with --evidence', mbOf(junit), withEvidence, speed(40, 256), '', '5.10 s, 18.9 MB/s, 257 MB')

row('JUnit 400k cases, 1,000 controls', mbOf(junit), measure(1, check(junit, file('map-1000.yml'))), speed(20), '', '6.4 MB/s')
row('CTRF JSON 400k cases, 22 controls', mbOf(ctrf), measure(1, check(ctrf, file('map-22.yml'))), speed(25), '', '10.6 MB/s')
row('TRX 150k results, 22 controls', mbOf(trx), measure(1, check(trx, file('map-22.yml'))), speed(25), '', '(not measured)')
if (!QUICK) row('JUnit 1M short cases, 1,000 controls (typical)', mbOf(short1m), measure(1, check(short1m, file('map-typical.yml'))), () => 'no target', '', '23 MB/s, 199 MB')
process.stdout.write(`the floor in this run: ${(mbOf(junit) / floor.seconds).toFixed(0)} MB/s wall, ${(mbOf(junit) / floor.cpu).toFixed(0)} MB per CPU s; the issue's floor was 268 MB/s on an idle machine\n`)

// Cold start: `check` on the example against `node -e 0`, medians of 9 interleaved runs.
const bare = []
const example = []
for (let i = 0; i < 9; i++) {
  bare.push(run(['-e', '0']))
  example.push(run([CLI, 'check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z']))
}
const ms = (runs, key) => median(runs.map((r) => r[key])) * 1000
const over = ms(example, 'seconds') - ms(bare, 'seconds')
const cpuOver = ms(example, 'cpu') - ms(bare, 'cpu')
process.stdout.write(`\ncold start: check on examples/ ${ms(example, 'seconds').toFixed(0)} ms, node -e 0 ${ms(bare, 'seconds').toFixed(0)} ms: ${over.toFixed(0)} ms over   issue: 400 ms   target ≤ 200 ms over ${over <= 200 ? 'met' : 'NOT met'}\n`)
process.stdout.write(`  CPU time: ${ms(example, 'cpu').toFixed(0)} ms against ${ms(bare, 'cpu').toFixed(0)} ms: ${cpuOver.toFixed(0)} ms over (${cpuOver <= 200 ? 'met' : 'not met'} on CPU time)\n`)
process.stdout.write('not re-measured here: the peer action test-summary (issue: 10.51 s, 9.2 MB/s, 1,476 MB on the 96 MB file) and\n')
process.stdout.write('the 10-case action run (issue: 730 ms) need a GitHub runner; __tests__/action.test.ts runs the action end to end.\n')

const many = path.join(ROOT, 'scripts/bench-many.mjs')
if (!QUICK && existsSync(many)) {
  process.stdout.write('\nmany reports (scripts/bench-many.mjs):\n')
  const r = spawnSync(node, [many], { stdio: 'inherit', cwd: ROOT })
  if (r.status !== 0) process.exitCode = r.status ?? 1
}

// The audit (issue 23): a year of deployments served by the fake GitHub and the local S3 (scripts/bench-audit.mjs). BENCH_AUDIT=0 skips it.
const auditBench = path.join(ROOT, 'scripts/bench-audit.mjs')
if (process.env.BENCH_AUDIT !== '0' && existsSync(auditBench)) {
  const r = spawnSync(node, [auditBench], { stdio: 'inherit', cwd: ROOT })
  if (r.status !== 0) process.exitCode = r.status ?? 1
}
