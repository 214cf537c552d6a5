import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { SimCore } from './workflow-sim-core.js'
import type { RunCommand, RunResult, TestCase } from './workflow-sim-types.js'

// Handlers of `run:` steps. The default: a jest run with the jest-junit reporter writes its JUnit
// report where jest-junit would (node_modules/jest-junit: constants DEFAULT_OPTIONS, getOptions,
// getOutputPath), with the cases the test gave for the commit checked out, and exits 1 when one
// failed; any other command is only recorded (run.jobs[].steps[].run) and exits 0.

/** A test command that reports through jest-junit: on its command line, or in package.json's jest reporters. */
function jestJunit(command: string, pkg: PackageJson | undefined): { reporterOptions: Record<string, string> } | undefined {
  const runsJest = /(^|[\s;&|(])(npx\s+jest|jest|npm\s+(run\s+)?test|npm\s+t|yarn\s+(run\s+)?test|pnpm\s+(run\s+)?test)(\s|$|;|&)/.test(command)
  if (!runsJest) return undefined
  if (/--reporters[= ]jest-junit\b/.test(command)) return { reporterOptions: {} }
  const configured = (pkg?.jest?.reporters ?? []).find((r) => r === 'jest-junit' || (Array.isArray(r) && r[0] === 'jest-junit'))
  if (configured === undefined) return undefined
  return { reporterOptions: Array.isArray(configured) ? ((configured[1] ?? {}) as Record<string, string>) : {} }
}

interface PackageJson {
  jest?: { reporters?: (string | [string, Record<string, unknown>?])[] }
  'jest-junit'?: Record<string, string>
}

const ENV_OPTIONS: Record<string, string> = { JEST_JUNIT_OUTPUT_DIR: 'outputDirectory', JEST_JUNIT_OUTPUT_NAME: 'outputName', JEST_JUNIT_OUTPUT_FILE: 'outputFile' }

/** Where jest-junit writes: outputFile, else outputDirectory/outputName; defaults the cwd and junit.xml; `<rootDir>` is jest's root. */
export function jestJunitOutput(cwd: string, env: Record<string, string>, reporterOptions: Record<string, string>, pkg: PackageJson | undefined): string {
  const fromEnv = Object.fromEntries(Object.entries(ENV_OPTIONS).filter(([k]) => env[k]).map(([k, option]) => [option, env[k] as string]))
  const options = { outputDirectory: cwd, outputName: 'junit.xml', ...reporterOptions, ...pkg?.['jest-junit'], ...fromEnv } as Record<string, string | undefined>
  const rootDir = (p: string) => (p.startsWith('<rootDir>') ? path.resolve(cwd, `./${p.slice('<rootDir>'.length)}`) : p)
  const file = options.outputFile ? rootDir(options.outputFile) : path.join(rootDir(options.outputDirectory as string), options.outputName as string)
  return path.resolve(cwd, file)
}

function casesFor(core: SimCore, sha: string | undefined, command: string): TestCase[] {
  if (!sha) throw new Error(`run: ${command}: jest ran with no checkout (no test files): give the job an actions/checkout step, or an onRun handler`)
  const tests = core.options.tests
  // A test merge (refs/pull/N/merge) runs the pull request's tests: its cases are the head's.
  const head = [...core.repo.pulls.values()].find((pr) => core.repo.commits.get(sha)?.parents[1] === pr.headSha && core.repo.commits.get(sha)?.committer.login === 'web-flow')?.headSha
  const pick = (key: string) => (typeof tests === 'function' ? tests(key) : tests?.[key])
  const cases = pick(sha) ?? (head ? pick(head) : undefined) ?? pick('*')
  if (!cases) throw new Error(`run: ${command}: no test cases given for ${sha}${head ? ` (or its pull request's head ${head})` : ''}: give them in the simulation's tests option (by sha, or '*')`)
  // jest --shard=i/n runs every n-th test file.
  const shard = /--shard[= ](\d+)\/(\d+)/.exec(command)
  if (!shard) return cases
  const suites = [...new Set(cases.map((c) => c.suite ?? 'tests'))].sort()
  const mine = new Set(suites.filter((_, i) => i % Number(shard[2]) === Number(shard[1]) - 1))
  return cases.filter((c) => mine.has(c.suite ?? 'tests'))
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A JUnit report as jest-junit writes it (its default templates: classname and name both the full test name). */
export function junitXml(cases: TestCase[]): string {
  const suites = new Map<string, TestCase[]>()
  for (const c of cases) suites.set(c.suite ?? 'tests', [...(suites.get(c.suite ?? 'tests') ?? []), c])
  const failed = (list: TestCase[]) => list.filter((c) => c.status === 'failed').length
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="jest tests" tests="${cases.length}" failures="${failed(cases)}" errors="0" time="0.1">`]
  for (const [name, list] of suites) {
    lines.push(`  <testsuite name="${esc(name)}" errors="0" failures="${failed(list)}" skipped="${list.filter((c) => c.status === 'skipped').length}" timestamp="2026-11-20T10:00:00" time="0.05" tests="${list.length}">`)
    for (const c of list) {
      const open = `    <testcase classname="${esc(c.name)}" name="${esc(c.name)}" time="0.001">`
      if (c.status === 'failed') lines.push(open, `      <failure>${esc(c.message ?? 'Error: expect(received).toBe(expected)')}</failure>`, '    </testcase>')
      else if (c.status === 'skipped') lines.push(open, '      <skipped/>', '    </testcase>')
      else lines.push(open, '    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}

export async function defaultRun(core: SimCore, input: RunCommand): Promise<RunResult> {
  const pkgFile = path.join(input.cwd, 'package.json')
  const pkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson) : undefined
  const jest = jestJunit(input.command, pkg)
  if (!jest) return 0
  const cases = casesFor(core, input.checkedOut, input.command)
  const file = jestJunitOutput(input.cwd, input.env, jest.reporterOptions, pkg)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, junitXml(cases))
  return cases.some((c) => c.status === 'failed') ? 1 : 0
}

/**
 * A handler that runs the command for real, as the runner runs a `run:` step on Linux (`bash
 * --noprofile --norc -eo pipefail`), in its working directory with its environment; what it writes
 * to GITHUB_OUTPUT (`name=value`, or `name<<DELIMITER` … `DELIMITER`) becomes the step's outputs.
 */
export function bash(c: RunCommand): RunResult {
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'sox-sim-out-')), 'output')
  writeFileSync(output, '')
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', c.command], { cwd: c.cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...c.env, GITHUB_OUTPUT: output }, encoding: 'utf8', timeout: 240_000 })
  const outputs: Record<string, string> = {}
  const lines = readFileSync(output, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1)
      outputs[heredoc[1] as string] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (line.includes('=')) outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
  }
  return { code: r.status ?? 1, outputs }
}
