import { existsSync } from 'node:fs'
import path from 'node:path'
import { decideJudge, integrityFailed } from '../engine/judge.js'
import { ConfigError } from '../errors.js'
import { writeBundle } from '../evidence/bundle.js'
import { runMetadata } from '../evidence/run-metadata.js'
import { MaskedSpool } from '../evidence/spool.js'
import { verifyBundle } from '../evidence/verify.js'
import { loadChangeRecordFile, loadControlMapFile, runGate } from '../pipeline/gate.js'
import { decisionObject } from '../render/decision-json.js'
import { renderText } from '../render/text.js'
import { DEFAULT_CONTROLS, parseCliArgs, USAGE, UsageError } from './args.js'
import { commandHelp } from './help.js'
import { TOOL_NAME, TOOL_VERSION } from '../evidence/version.js'
import { fetchStoredBundle, runLedger } from './store.js'
import { progressInterval, ReadProgress, reportProgress } from '../pipeline/progress.js'
import { runAudit } from '../audit/main.js'
import { isAuditFolder, verifyAuditFolder } from '../audit/verify-folder.js'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  cwd: string
  env: NodeJS.ProcessEnv
  /** The wall clock, used only when --now is not given. */
  clock: () => Date
  /** True when stderr is a terminal: progress lines go there while reports are read, never to stdout. */
  stderrIsTTY?: boolean
}

/** Runs one sox-gate command; returns the exit code (0 allow/valid, 1 block, 2 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = io.env.ACTIONS_STEP_DEBUG === 'true' || argv.includes('--debug')
  try {
    // The audit parses its own options (src/audit/args.ts), the same way.
    const auditAt = argv.findIndex((a) => a !== '--debug')
    if (argv[auditAt] === 'audit') return await runAudit([...argv.slice(0, auditAt), ...argv.slice(auditAt + 1)], io)
    const args = parseCliArgs(argv)
    debug ||= args.debug
    switch (args.command) {
      case 'help':
        io.stdout(args.topic ? commandHelp(args.topic) : `${USAGE}\n`)
        return 0
      case 'version':
        io.stdout(`${TOOL_NAME} ${TOOL_VERSION}\n`)
        return 0
      case 'validate': {
        const map = await loadMap(args.controls, io.cwd)
        io.stdout(`${args.controls}: valid (${map.controls.length} controls, ${map.waivers.length} waivers)\n`)
        return 0
      }
      case 'verify': {
        const stored = await fetchStoredBundle(args.dir, io.env)
        const dir = stored?.dir ?? path.resolve(io.cwd, args.dir)
        if (!existsSync(dir)) throw new UsageError([`verify: no such directory "${args.dir}"`], "verify")
        if (!stored && (await isAuditFolder(dir))) return await printAuditVerification(dir, args.dir, args.expectSha256, io)
        const trustedRoot = args.trustedRoot === undefined ? undefined : path.resolve(io.cwd, args.trustedRoot)
        if (trustedRoot !== undefined && !existsSync(trustedRoot)) throw new UsageError([`verify: no such trusted root "${args.trustedRoot}"`], "verify")
        const { findings, levels, manifest } = await verifyBundle(dir, { expectSha256: args.expectSha256, trustedRoot, certificateIdentity: args.certificateIdentity }).finally(() => stored?.cleanup())
        findings.unshift(...(stored?.findings ?? []))
        for (const l of levels) io.stdout(`${l.name}: ${l.status}${l.detail ? ` (${l.detail})` : ''}\n`)
        for (const f of findings) io.stdout(`${f}\n`)
        if (findings.length > 0) {
          io.stdout(`NOT INTACT: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${args.dir}\n`)
          return 1
        }
        const unchecked = levels.filter((l) => l.status === 'not checked').map((l) => l.name)
        io.stdout(`intact: ${args.dir}: ${(manifest?.files.length ?? 0) + 1} files match manifest.json; re-performed decision ${manifest?.decision.toUpperCase()} (${manifest?.evaluatedAt}) matches the record${unchecked.length ? `; not checked: ${unchecked.join(', ')}` : '; every level checked'}\n`)
        return 0
      }
      case 'ledger':
        return await runLedger(args.url, io)
      case 'check': {
        const proposed = await loadMap(args.controls, io.cwd)
        const trusted = args.baseControls === undefined ? undefined : await loadControlMapFile(args.baseControls, io.cwd)
        const change = args.change === undefined ? undefined : await loadChangeRecordFile(args.change, io.cwd)
        const trust = decideJudge(proposed, trusted, change, { changeFile: args.change })
        const map = trust.judging
        // With --evidence, each report's masked text is spooled as it is read, and the bundle copies it.
        const spool = args.evidence === undefined ? undefined : await MaskedSpool.create()
        const { result, evidence } = await (async () => {
          const { result, sources, copies } = await withProgress(io, (progress) => runGate({ map, trust, change, reportGlobs: args.reports, now: args.now ?? io.clock(), cwd: io.cwd, spool, threads: io.env.SOX_GATE_THREADS, progress }))
          if (args.evidence === undefined) return { result, evidence: undefined }
          return { result, evidence: await writeBundle({ dir: path.resolve(io.cwd, args.evidence), sources, copies, map, proposed, trusted: trusted ?? null, result, change, mode: args.mode, run: runMetadata(io.env) }) }
        })().finally(() => spool?.dispose())
        const evidenceInfo = evidence ? { dir: args.evidence as string, manifestSha256: evidence.manifestSha256, files: evidence.files } : undefined
        if (args.format === 'json') io.stdout(JSON.stringify({ ...decisionObject(map, result, args.mode), ...(evidenceInfo ? { evidence: evidenceInfo } : {}) }, null, 2) + '\n')
        else io.stdout(renderText(map, result, args.mode) + (evidenceInfo ? `evidence: ${evidenceInfo.dir} (${evidenceInfo.files} files, manifest sha256 ${evidenceInfo.manifestSha256})\n` : ''))
        return result.decision === 'allow' || (args.mode === 'report-only' && !integrityFailed(result)) ? 0 : 1
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(usageErrorLines(e))
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

/**
 * One line per problem of the command line, the last saying where the options are explained:
 * `sox-gate: unknown option --frobnicate (see sox-gate help check)`.
 */
function usageErrorLines(e: UsageError): string {
  const lines = e.problems.map((p) => `sox-gate: ${p}`)
  lines[lines.length - 1] += ` (see sox-gate help${e.command ? ` ${e.command}` : ''})`
  return lines.join('\n') + '\n'
}

/** `verify DIR` on an audit folder (SPEC §14): its hashes, and what re-derives offline. */
async function printAuditVerification(dir: string, shown: string, expectSha256: string | undefined, io: CliIo): Promise<number> {
  const { findings, levels, manifest } = await verifyAuditFolder(dir, expectSha256)
  for (const l of levels) io.stdout(`${l.name}: ${l.status}${l.detail ? ` (${l.detail})` : ''}\n`)
  for (const f of findings) io.stdout(`${f}\n`)
  if (findings.length > 0) {
    io.stdout(`NOT INTACT: ${findings.length} finding${findings.length === 1 ? '' : 's'} in the audit folder ${shown}\n`)
    return 1
  }
  io.stdout(`intact: audit folder ${shown}: ${(manifest?.files.length ?? 0) + 1} files match manifest.json; the sample and the counts re-derive from them (${manifest?.period.from} to ${manifest?.period.to}, ${manifest?.environment})\n`)
  return 0
}

/** The control map; the default one missing says how to name another. */
async function loadMap(file: string, cwd: string): ReturnType<typeof loadControlMapFile> {
  if (file === DEFAULT_CONTROLS && !existsSync(path.resolve(cwd, file))) {
    throw ConfigError.at(file, `cannot read the control map: no such file (the default path, in ${cwd}); name yours with --controls FILE`)
  }
  return loadControlMapFile(file, cwd)
}

/**
 * Runs `read` with progress lines on stderr every few seconds when stderr is a terminal, and a
 * last line when any was printed (a quick run prints none). Piped or redirected: nothing.
 */
async function withProgress<T>(io: CliIo, read: (progress: ReadProgress) => Promise<T>): Promise<T> {
  const progress = new ReadProgress()
  if (!io.stderrIsTTY) return read(progress)
  let printed = false
  const ticker = reportProgress(progress, (line) => {
    printed = true
    io.stderr(`${line}\n`)
  }, progressInterval(io.env))
  try {
    const value = await read(progress)
    if (printed) io.stderr(`${progress.summary(ticker.elapsedMs())}\n`)
    return value
  } finally {
    ticker.stop()
  }
}
