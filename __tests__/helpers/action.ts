import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE, ROOT } from './corpus.js'

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

export interface RunOptions {
  /** A command the action runs under (`['unshare', '-U']`: as an unprivileged user, for file-permission tests). */
  wrap?: string[]
  /** Called with the workspace once the runner's files are in it, just before the action starts. */
  beforeRun?: (workspaceDir: string) => void
  /** Where the runner's output and summary files go (default: the workspace). */
  runnerDir?: string
}

/**
 * Runs the bundled action the way the Actions runner does: `node dist/index.js` with every input
 * as INPUT_<NAME> (upper-cased, spaces to `_`, dashes kept) and the runner's file commands (kept
 * in `runnerDir`, the workspace unless told: a runner keeps them outside it).
 */
export async function runAction(workspaceDir: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, options: RunOptions = {}): Promise<ActionRun> {
  const runnerDir = options.runnerDir ?? workspaceDir
  const outputFile = path.join(runnerDir, '.runner-output')
  const summaryFile = path.join(runnerDir, '.runner-summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  // Asynchronous, so that servers the test runs in this process (fake GitHub) can answer.
  options.beforeRun?.(workspaceDir)
  const wrap = options.wrap ?? []
  const child = spawn(wrap[0] ?? NODE, [...wrap.slice(1), ...(wrap.length ? [NODE] : []), path.join(ROOT, 'dist/index.js')], {
    cwd: workspaceDir,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      GITHUB_WORKSPACE: workspaceDir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: workspaceDir,
      ...inputEnv,
      ...env
    }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  return { code, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') }
}

/** GITHUB_OUTPUT's heredoc format: `name<<DELIM\nvalue\nDELIM\n`; the last write of a name wins. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(re)) outputs[m[1] as string] = m[3] as string
  return outputs
}
