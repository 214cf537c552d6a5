import { emitCase } from '../case-frame.js'
import { lines } from '../lines.js'
import { num, obj, str } from '../json.js'
import { emptyStats, recordCrash, type ReportReader, type TestProperty, type TestStatus } from '../model.js'

const TAIL = 12

interface Running {
  line: number
  output: string[]
  properties: TestProperty[]
}

/**
 * `go test -json` (test2json) event lines. A test's last `pass`/`fail`/`skip` decides it (a test
 * run again — gotestsum --rerun-fails — is a re-run). What would otherwise vanish is failed
 * loudly: a build failure, a package that failed with no failing test (TestMain, init), and
 * tests still running when their package failed (a panic or a timeout). Lines that are not JSON
 * (stray build or test output) are passed over and counted in the notes.
 */
export const goTestReader: ReportReader = {
  format: 'go-test-json',
  sniff: (head) => head.split('\n', 20).some((l) => /^\s*\{.*"Action"\s*:\s*"[a-z-]+"/.test(l) && /"(Package|ImportPath)"\s*:/.test(l)),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('go-test-json')
    const running = new Map<string, Running>()
    const failedIn = new Set<string>()
    const buildOutput = new Map<string, string[]>()
    let stray = 0
    for await (const { text, line } of lines(chunks, reportPath)) {
      const trimmed = text.trim()
      if (!trimmed) continue
      let e: Record<string, unknown>
      try {
        e = obj(JSON.parse(trimmed))
      } catch {
        stray++
        continue
      }
      const action = str(e.Action)
      if (!action) {
        stray++
        continue
      }
      // Build events name `pkg [pkg.test]`; test events name `pkg`.
      const pkg = str(e.Package) ?? (str(e.ImportPath) ?? '').replace(/ \[[^\]]*\]$/, '')
      const test = str(e.Test)
      if (action === 'build-output') {
        const out = buildOutput.get(pkg) ?? []
        if (out.length < TAIL) out.push(str(e.Output) ?? '')
        buildOutput.set(pkg, out)
        continue
      }
      if (action === 'build-fail') {
        emitCase(reportPath, stats, sink, { line, suite: pkg, classname: '', name: '(build)', status: 'error', message: `build failed: ${(buildOutput.get(pkg) ?? []).join('').trim()}` })
        recordCrash(stats, `package ${pkg} failed to build`, line)
        failedIn.add(pkg)
        continue
      }
      if (!test) {
        if (action === 'fail') {
          // Package failed: tests still running never finished, and a failure no test owns must not vanish.
          for (const [key, r] of running) {
            if (!key.startsWith(`${pkg}\u0000`)) continue
            emitCase(reportPath, stats, sink, { line: r.line, suite: pkg, classname: '', name: key.slice(pkg.length + 1), status: 'error', properties: r.properties, message: `did not finish: the package failed (panic or timeout): ${lastMeaningful(r.output)}` })
            recordCrash(stats, `package ${pkg} failed while ${key.slice(pkg.length + 1)} was running (panic or timeout)`, line)
            running.delete(key)
            failedIn.add(pkg)
          }
          if (!failedIn.has(pkg)) {
            emitCase(reportPath, stats, sink, { line, suite: pkg, classname: '', name: '(package)', status: 'error', message: e.FailedBuild ? `build failed: ${String(e.FailedBuild)}` : 'the package failed outside any test' })
            recordCrash(stats, e.FailedBuild ? `package ${pkg} failed to build` : `package ${pkg} failed outside any test (TestMain, init or a panic)`, line)
          }
        }
        continue
      }
      const key = `${pkg}\u0000${test}`
      let r = running.get(key)
      if (!r) {
        r = { line, output: [], properties: [] }
        running.set(key, r)
      }
      if (action === 'output') {
        r.output.push(str(e.Output) ?? '')
        if (r.output.length > TAIL) r.output.shift()
      } else if (action === 'attr') {
        r.properties.push({ name: str(e.Key) ?? '', value: str(e.Value) ?? '' })
      } else if (action === 'pass' || action === 'fail' || action === 'skip') {
        const status: TestStatus = action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped'
        if (status === 'failed') failedIn.add(pkg)
        emitCase(reportPath, stats, sink, { line: r.line, suite: pkg, classname: '', name: test, status, duration: num(e.Elapsed), properties: r.properties, message: status === 'passed' ? undefined : lastMeaningful(r.output) })
        running.delete(key)
      }
    }
    for (const [key, r] of running) {
      const pkg = key.slice(0, key.indexOf('\u0000'))
      emitCase(reportPath, stats, sink, { line: r.line, suite: pkg, classname: '', name: key.slice(pkg.length + 1), status: 'error', properties: r.properties, message: 'did not finish: the report ends before the test does' })
    }
    if (running.size > 0) recordCrash(stats, `the report is cut short: ${running.size} test${running.size === 1 ? '' : 's'} never finished`)
    if (stray > 0) stats.notes.push(`${stray} line${stray === 1 ? '' : 's'} that are not test2json events passed over`)
    return stats
  }
}

/** The last output line worth quoting: not a `=== RUN`/`--- FAIL` marker. */
function lastMeaningful(output: string[]): string | undefined {
  for (let i = output.length - 1; i >= 0; i--) {
    const l = (output[i] ?? '').trim()
    if (l && !/^(=== (RUN|PAUSE|CONT)|--- (PASS|FAIL|SKIP)|PASS$|FAIL$|ok\s)/.test(l)) return l
  }
  return undefined
}
