// Generated inputs for scripts/bench.mjs (written to bench-data/, git-ignored, reused when present).
// The same 400k test cases as JUnit (about 96 MB), CTRF JSON and TRX, plus the 22- and 1,000-control maps.
import { createWriteStream, existsSync, renameSync } from 'node:fs'
import { once } from 'node:events'

/** Writes through a stream with back-pressure; the file appears only once complete. */
async function writeFileStreaming(file, produce) {
  if (existsSync(file)) return
  const partial = file + '.partial'
  const out = createWriteStream(partial)
  let buffered = ''
  const write = async (s) => {
    buffered += s
    if (buffered.length < 1 << 16) return
    const chunk = buffered
    buffered = ''
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await produce(write)
  out.end(buffered)
  await once(out, 'finish')
  renameSync(partial, file)
}

const AREAS = ['payments', 'ledger', 'billing', 'accounts', 'reporting', 'identity', 'orders']
const VERBS = ['handles', 'rejects', 'reconciles', 'posts', 'refunds', 'validates', 'audits']

/** Case `n` of the set: suite, classname, own name, file and outcome, the same in every format. */
export function benchCase(n, perSuite = 100) {
  const s = Math.floor(n / perSuite)
  const area = AREAS[s % AREAS.length]
  const suite = `com.example.${area}.mod${s % 97}.Suite${s}Test`
  const verb = VERBS[n % VERBS.length]
  const name = `scenario ${n % 1000} ${verb} case ${n} when the ${area} request carries amount ${(n * 37) % 10000} and currency EUR`
  const file = `src/test/java/com/example/${area}/mod${s % 97}/Suite${s}Test.java`
  const outcome = n % 997 === 0 ? 'skipped' : n % 1499 === 0 ? 'flaky' : n % 7919 === 0 ? 'failed' : 'passed'
  return { s, suite, name, file, outcome, tag: n % 50 === 0 ? `CTL-${String(n % 1000).padStart(4, '0')}` : undefined }
}

export async function generateJunit(cases, file) {
  await writeFileStreaming(file, async (write) => {
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
    for (let n = 0; n < cases; n++) {
      const c = benchCase(n)
      if (n % 100 === 0) {
        if (n > 0) await write('  </testsuite>\n')
        await write(`  <testsuite name="${c.suite}" tests="100" time="1.2" timestamp="2026-11-22T12:00:00" hostname="ci-runner-7">\n`)
      }
      const props = c.tag ? `\n      <properties><property name="control" value="${c.tag}"/></properties>` : ''
      const body =
        c.outcome === 'skipped'
          ? '\n      <skipped message="not on this platform"/>'
          : c.outcome === 'flaky'
            ? '\n      <flakyFailure message="timeout after 30s" type="java.util.concurrent.TimeoutException"><stackTrace>at com.example.Client.call(Client.java:42)</stackTrace></flakyFailure>'
            : c.outcome === 'failed'
              ? '\n      <failure message="expected 200 but was 500" type="java.lang.AssertionError">at com.example.Client.call(Client.java:42)</failure>'
              : ''
      const out = n % 10 === 0 ? `\n      <system-out>request ${n} took ${n % 300} ms; retries 0; pool ${n % 16}</system-out>` : ''
      const inner = props + body + out
      const open = `    <testcase classname="${c.suite}" name="${c.name}" file="${c.file}" time="0.0${n % 90 + 10}"`
      await write(inner ? `${open}>${inner}\n    </testcase>\n` : `${open}/>\n`)
    }
    await write('  </testsuite>\n</testsuites>\n')
  })
}

export async function generateCtrf(cases, file) {
  await writeFileStreaming(file, async (write) => {
    await write(`{"results":{"tool":{"name":"bench"},"summary":{"tests":${cases},"passed":0,"failed":0,"skipped":0,"pending":0,"other":0,"start":0,"stop":0},"tests":[\n`)
    for (let n = 0; n < cases; n++) {
      const c = benchCase(n)
      const status = c.outcome === 'skipped' ? 'skipped' : c.outcome === 'failed' ? 'failed' : 'passed'
      const name = c.tag ? `${c.name} [${c.tag}]` : c.name
      const extra = c.outcome === 'flaky' ? ',"flaky":true,"retries":1' : c.outcome === 'failed' ? ',"message":"expected 200 but was 500"' : ''
      await write(`${n ? ',\n' : ''}{"name":"${name}","status":"${status}","duration":${n % 90 + 10},"suite":"${c.suite}","filePath":"${c.file}"${extra}}`)
    }
    await write('\n]}}\n')
  })
}

const guid = (n, salt) => `${salt}${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 7919).toString(16).padStart(12, '0').slice(-12)}`

export async function generateTrx(cases, file) {
  await writeFileStreaming(file, async (write) => {
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<TestRun id="00000000-0000-4000-8000-000000000000" name="bench" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n  <Results>\n')
    for (let n = 0; n < cases; n++) {
      const c = benchCase(n)
      const outcome = c.outcome === 'skipped' ? 'NotExecuted' : c.outcome === 'failed' ? 'Failed' : 'Passed'
      const name = c.tag ? `${c.name} [${c.tag}]` : c.name
      await write(`    <UnitTestResult executionId="${guid(n, 'e')}" testId="${guid(n, 't')}" testName="${name}" computerName="ci-runner-7" duration="00:00:00.0${n % 90 + 10}" startTime="2026-11-22T12:00:00.000+00:00" endTime="2026-11-22T12:00:00.050+00:00" outcome="${outcome}" />\n`)
    }
    await write('  </Results>\n  <TestDefinitions>\n')
    for (let n = 0; n < cases; n++) {
      const c = benchCase(n)
      const name = c.tag ? `${c.name} [${c.tag}]` : c.name
      await write(`    <UnitTest name="${name}" id="${guid(n, 't')}"><TestMethod className="${c.suite}" name="${name}" /></UnitTest>\n`)
    }
    await write('  </TestDefinitions>\n</TestRun>\n')
  })
}

/** The map: a suite glob, a name glob and 20 regexes (some with a literal to index, some without). */
export function map22() {
  const lines = ['version: 1', 'system: bench', 'controls:']
  const add = (id, selector, value) => lines.push(`  - id: ${id}`, `    title: Control ${id}`, '    tests:', `      - ${selector}: ${JSON.stringify(value)}`, '    allow-skipped: true', '    flaky: pass')
  add('SUITE-01', 'suite', 'com.example.payments.*')
  add('NAME-01', 'name', '*refunds case *')
  for (let i = 0; i < 20; i++) {
    const id = `RX-${String(i + 1).padStart(2, '0')}`
    const area = AREAS[i % AREAS.length]
    if (i % 4 === 0) add(id, 'regex', `^scenario ${i * 7} (handles|posts) case \\d+`)
    else if (i % 4 === 1) add(id, 'regex', `\\.${area}\\.mod${i}\\.Suite\\d+Test › `)
    else if (i % 4 === 2) add(id, 'regex', `case \\d*${i}7 when the ${area} request`)
    else add(id, 'regex', `amount (${i}|${i + 1})\\d\\d and currency [A-Z]{3}$`)
  }
  return lines.join('\n') + '\n'
}

/** 1,000 controls: tags, suite globs, name globs with and without a literal prefix, a few regexes. */
export function map1000() {
  const lines = ['version: 1', 'system: bench', 'controls:']
  for (let i = 0; i < 1000; i++) {
    const id = `CTL-${String(i).padStart(4, '0')}`
    lines.push(`  - id: ${id}`, `    title: Control ${i}`, '    tests:', `      - tag: ${id}`)
    if (i % 100 === 0) lines.push(`      - suite: "com.example.${AREAS[(i / 100) % AREAS.length]}.mod${i / 100}.*"`)
    if (i % 25 === 0) lines.push(`      - name: "*scenario ${i} *"`)
    if (i % 200 === 0) lines.push(`      - regex: "^com\\\\.example\\\\.\\\\w+\\\\.mod${i % 97}\\\\..* case ${i} "`)
    lines.push('    allow-skipped: true', '    flaky: pass')
  }
  return lines.join('\n') + '\n'
}

/** The earlier bench's JUnit set (short names, 100 cases a suite), kept for its 1M-case row. */
export async function generateJunitShort(cases, file) {
  await writeFileStreaming(file, async (write) => {
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
    for (let s = 0; s * 100 < cases; s++) {
      const suite = `com.example.mod${s % 97}.Suite${s}`
      await write(`  <testsuite name="${suite}" tests="100" time="1.0">\n`)
      for (let c = 0; c < 100 && s * 100 + c < cases; c++) {
        const n = s * 100 + c
        const tagged = n % 50 === 0 ? `\n      <properties><property name="control" value="CTL-${String(n % 1000).padStart(4, '0')}"/></properties>\n    ` : ''
        const body = n % 997 === 0 ? `<skipped message="not on this platform"/>` : n % 1499 === 0 ? `<flakyFailure message="timeout"><stackTrace>at x</stackTrace></flakyFailure>` : ''
        const inner = tagged + body
        await write(inner ? `    <testcase classname="${suite}" name="scenario ${n % 1000} handles case ${n}" time="0.012">${inner}</testcase>\n` : `    <testcase classname="${suite}" name="scenario ${n % 1000} handles case ${n}" time="0.012"/>\n`)
      }
      await write('  </testsuite>\n')
    }
    await write('</testsuites>\n')
  })
}

/** The earlier bench's "typical" map: 1,000 controls by tag, some suite and name globs, a few regexes. */
export function mapTypical() {
  const lines = ['version: 1', 'system: bench', 'controls:']
  for (let i = 0; i < 1000; i++) {
    const id = `CTL-${String(i).padStart(4, '0')}`
    lines.push(`  - id: ${id}`, `    title: Control ${i}`, '    tests:', `      - tag: ${id}`)
    if (i % 100 === 0) lines.push(`      - suite: "com.example.mod${i / 100}.*"`)
    if (i % 25 === 0) lines.push(`      - name: "*scenario ${i} *"`)
    if (i % 200 === 0) lines.push(`      - regex: "^com\\\\.example\\\\.mod${i % 97}\\\\..* handles case ${i}$"`)
    lines.push('    allow-skipped: true', '    flaky: pass')
  }
  return lines.join('\n') + '\n'
}
