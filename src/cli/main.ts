import { ConfigError } from '../errors.js'
import { loadChangeRecordFile, loadControlMapFile, runGate } from '../gate.js'
import { decisionObject } from '../render/decision-json.js'
import { renderText } from '../render/text.js'
import { parseCliArgs, USAGE, UsageError } from './args.js'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  cwd: string
  env: NodeJS.ProcessEnv
  /** The wall clock, used only when --now is not given. */
  clock: () => Date
}

/** Runs one sox-gate command; returns the exit code (0 allow/valid, 1 block, 2 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = io.env.ACTIONS_STEP_DEBUG === 'true' || argv.includes('--debug')
  try {
    const args = parseCliArgs(argv)
    debug ||= args.debug
    switch (args.command) {
      case 'help':
        io.stdout(USAGE + '\n')
        return 0
      case 'validate': {
        const map = await loadControlMapFile(args.controls, io.cwd)
        io.stdout(`${args.controls}: valid (${map.controls.length} controls, ${map.waivers.length} waivers)\n`)
        return 0
      }
      case 'verify':
        throw new UsageError('verify is not available in this version: evidence bundles are not written yet')
      case 'check': {
        if (args.evidence !== undefined) throw new UsageError('--evidence is not available in this version: evidence bundles are not written yet')
        const map = await loadControlMapFile(args.controls, io.cwd)
        const change = args.change === undefined ? undefined : await loadChangeRecordFile(args.change, io.cwd)
        const result = await runGate({ map, change, reportGlobs: args.reports, now: args.now ?? io.clock(), cwd: io.cwd })
        io.stdout(args.format === 'json' ? JSON.stringify(decisionObject(map, result), null, 2) + '\n' : renderText(map, result))
        return result.decision === 'allow' || args.mode === 'report-only' ? 0 : 1
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`sox-gate: ${e.message}\n${USAGE}\n`)
      return 2
    }
    if (e instanceof ConfigError) {
      io.stderr(e.message + '\n')
      if (debug) io.stderr((e.stack ?? '') + '\n')
      return 2
    }
    io.stderr(`sox-gate: internal error: ${(e as Error).message}${debug ? '' : ' (run with --debug for details)'}\n`)
    if (debug) io.stderr(((e as Error).stack ?? '') + '\n')
    return 2
  }
}
