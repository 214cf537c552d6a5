// node scripts/bench-many.mjs — many reports: 200 JUnit files of about 5 MB each (about 1 GB, in
// bench-data/many/, git-ignored) against a map of 22 controls (a suite glob, a name glob, 20
// regexes). Runs `node dist/cli.js check` with one thread (SOX_GATE_THREADS=1) and with the worker
// pool (the default), and prints wall seconds, MB/s and peak RSS next to the targets of issue 13:
// >= 1.6x the one-thread wall time, <= 256 MB peak RSS; and the CPU time of all threads. A
// benchmark, not a test.
// BENCH_MANY_FILES=200 BENCH_MANY_MB=5 change the set; BENCH_RUNS=3 takes the median of 3 runs;
// BENCH_NODE=/path/to/node runs another Node binary.
import { spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const FILES = Number(process.env.BENCH_MANY_FILES ?? 200)
const MB = Number(process.env.BENCH_MANY_MB ?? 5)
const RUNS = Number(process.env.BENCH_RUNS ?? 1)
const DATA = path.join(ROOT, 'bench-data', `many-${FILES}x${MB}`)
const VERBS = ['payment', 'refund', 'login', 'export', 'audit', 'invoice', 'search', 'upload']

function controlMap() {
  const lines = ['version: 1', 'system: bench-many', 'controls:']
  lines.push('  - id: SUITE', '    title: One module in every shard', '    tests:', '      - suite: "com.example.*.mod7.*"', '    allow-skipped: true', '    flaky: pass')
  lines.push('  - id: NAME', '    title: Payment scenarios', '    tests:', '      - name: "*handles payment *0"', '    allow-skipped: true', '    flaky: pass')
  for (let i = 0; i < 20; i++) {
    lines.push(`  - id: RE-${String(i).padStart(2, '0')}`, `    title: Scenarios ${i}x`, '    tests:', `      - regex: "^scenario ${i + 10}[0-7] handles [a-z]+ \\\\d+$"`, '    allow-skipped: true', '    flaky: pass')
  }
  return lines.join('\n') + '\n'
}

/** One shard's report: unique suites per shard, a smoke suite every shard re-runs, a few skips and re-runs. */
async function generate(f, file) {
  const out = createWriteStream(file)
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  let bytes = 0
  const put = async (s) => {
    bytes += s.length
    await write(s)
  }
  await put('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench-many">\n')
  await put('  <testsuite name="com.example.common.Smoke" tests="20">\n')
  for (let k = 0; k < 20; k++) await put(`    <testcase classname="com.example.common.Smoke" name="scenario ${100 + k} handles login ${k}" time="0.010"/>\n`)
  await put('  </testsuite>\n')
  let n = 0
  for (let s = 0; bytes < MB * 1e6 - 20_000; s++) {
    const suite = `com.example.shard${f}.mod${s % 40}.Suite${s}`
    await put(`  <testsuite name="${suite}" tests="100" time="1.2">\n`)
    for (let c = 0; c < 100; c++, n++) {
      const name = `scenario ${n % 1000} handles ${VERBS[n % 8]} ${n}`
      const attrs = `classname="${suite}" name="${name}" time="0.012"`
      if (n % 997 === 0) await put(`    <testcase ${attrs}><skipped message="not on this platform"/></testcase>\n`)
      else if (n % 1499 === 0) {
        await put(`    <testcase ${attrs}><failure message="timeout after 30 s">at Example.run(Example.java:${n % 300})</failure></testcase>\n`)
        await put(`    <testcase ${attrs}><system-out>passed on the re-run</system-out></testcase>\n`)
      } else if (n % 50 === 0) await put(`    <testcase ${attrs}>\n      <properties><property name="owner" value="team-${n % 7}"/></properties>\n      <system-out>started ${n}; ok</system-out>\n    </testcase>\n`)
      else if (n % 2 === 0) await put(`    <testcase ${attrs}>\n      <system-out>[${suite}] step ${n} done in 12 ms</system-out>\n    </testcase>\n`)
      else await put(`    <testcase ${attrs}/>\n`)
    }
    await put('  </testsuite>\n')
  }
  await put('</testsuites>\n')
  out.end()
  await once(out, 'finish')
}

mkdirSync(DATA, { recursive: true })
const mapFile = path.join(DATA, 'controls.yml')
writeFileSync(mapFile, controlMap())
for (let f = 0; f < FILES; f++) {
  const file = path.join(DATA, `shard-${String(f).padStart(3, '0')}.xml`)
  if (!existsSync(file)) await generate(f, file)
}
const reports = readdirSync(DATA).filter((n) => n.endsWith('.xml'))
const totalMb = reports.reduce((sum, n) => sum + statSync(path.join(DATA, n)).size, 0) / 1e6

const node = process.env.BENCH_NODE ?? process.execPath
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()

function run(threads) {
  const started = process.hrtime.bigint()
  const r = spawnSync(node, ['--import', path.join(ROOT, 'scripts/bench-rss.mjs'), '--import', path.join(ROOT, 'scripts/bench-cpu.mjs'), path.join(ROOT, 'dist/cli.js'), 'check', '--controls', mapFile, '--reports', path.join(DATA, '*.xml'), '--format', 'json', '--now', '2026-11-22T12:00:00Z'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, SOX_GATE_THREADS: threads }
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr)
    process.exit(1)
  }
  // Worker threads share the process: maxRSS is the whole process, every thread included.
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024
  const cpu = Number(/BENCH_CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1e6
  const out = JSON.parse(r.stdout)
  return { seconds, cpu, rss, decision: out.decision, cases: out.totals.cases, mapped: out.totals.cases - out.totals.unmapped, json: r.stdout }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const { availableParallelism, loadavg } = await import('node:os')
/** Load averages (1 min) seen just before each run: another job on the machine takes cores from the pool. */
const loads = []
function measure(threads) {
  const runs = Array.from({ length: RUNS }, () => (loads.push(loadavg()[0]), run(threads)))
  return { ...runs[0], seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), rss: Math.max(...runs.map((r) => r.rss)) }
}

console.log(`sox-gate bench, many reports: ${reports.length} JUnit files, ${totalMb.toFixed(0)} MB, 22 controls, node ${version}, median of ${RUNS}`)
const one = measure('1')
const many = measure('')
console.log(`${one.cases} cases, ${one.mapped} mapped, decision ${one.decision}; identical --format json: ${one.json === many.json ? 'yes' : 'NO'}`)
loads.push(loadavg()[0])
console.log(`load average ${loads.map((l) => l.toFixed(1)).join(', ')} (before each run, and at the end) on ${availableParallelism()} cores: wall time and the speed-up are only meaningful on an otherwise idle machine`)
console.log('threads      | seconds | MB/s  | CPU s | peak RSS MB | issue (before)              | target')
const row = (label, r, issue, target) => console.log(`${label.padEnd(12)} | ${r.seconds.toFixed(2).padStart(7)} | ${(totalMb / r.seconds).toFixed(1).padStart(5)} | ${r.cpu.toFixed(1).padStart(5)} | ${r.rss.toFixed(0).padStart(11)} | ${issue.padEnd(27)} | ${target}`)
const speedup = one.seconds / many.seconds
row('one', one, '42 s, 23 MB/s, 484 MB', `(the baseline); <= 256 MB: ${one.rss <= 256 ? 'met' : 'NOT met'}`)
row('worker pool', many, '(one thread only)', `>= 1.6x: ${speedup.toFixed(2)}x ${speedup >= 1.6 ? 'met' : 'NOT met'}; <= 256 MB: ${many.rss <= 256 ? 'met' : 'NOT met'}`)
// What two idle cores would give: the pool's CPU time spread over both, against one thread's.
const threads = Math.min(availableParallelism(), reports.length)
console.log(`on ${threads} idle cores the pool would take about ${(many.cpu / threads).toFixed(1)} s: ${(one.cpu / (many.cpu / threads)).toFixed(2)}x (CPU time ${one.cpu.toFixed(1)} s one thread, ${many.cpu.toFixed(1)} s pool, +${((many.cpu / one.cpu - 1) * 100).toFixed(0)}%) — an upper bound, not a measurement`)
