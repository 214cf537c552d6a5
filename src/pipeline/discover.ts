import { realpath } from 'node:fs/promises'
import path from 'node:path'
import fg from 'fast-glob'
import { ConfigError, type InputProblem } from '../errors.js'
import { maskText } from '../reports/mask.js'

/** A report found: the path people see (relative to the workspace, `/`-separated) and the real file read. */
export interface ReportFile {
  path: string
  /** Symlinks resolved: the file actually read, always inside the workspace. */
  source: string
}

/**
 * Report files for a list of globs (each entry may hold several, one per line; `!` excludes).
 * Every including glob must match at least one file: a report that silently went missing would
 * otherwise read as "nothing failed". Every file must really lie inside the workspace `cwd`
 * (symlinks resolved, SPEC §11): a `../` or absolute glob or a symlink reaching out is refused,
 * naming it, before anything is read. Order is deterministic: sorted by path, duplicates removed.
 */
export async function discoverReports(globs: readonly string[], cwd: string, source: string): Promise<ReportFile[]> {
  const patterns = globs.flatMap((g) => g.split(/\r?\n/)).map((g) => g.trim()).filter((g) => g !== '' && !g.startsWith('#'))
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  const includes = patterns.filter((p) => !p.startsWith('!'))
  if (includes.length === 0) throw ConfigError.at(source, 'no report globs: give --reports (the action\'s `reports` input) or list `reports:` in the control map')
  const found = new Set<string>()
  const problems: InputProblem[] = []
  for (const pattern of includes) {
    const files = await fg(pattern, { cwd, ignore: excludes, onlyFiles: true, dot: true, followSymbolicLinks: true, unique: true })
    if (files.length === 0) problems.push({ file: source, message: `reports glob ${JSON.stringify(pattern)} matched no file${excludes.length ? ' (after exclusions)' : ''} in ${cwd}` })
    for (const f of files) found.add(f)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const root = await realpath(cwd)
  const reports = new Map<string, ReportFile>()
  for (const f of found) {
    const full = path.resolve(cwd, f)
    const shown = isInside(path.resolve(cwd), full) ? path.relative(cwd, full).split(path.sep).join('/') : f
    const real = await realpath(full).catch(() => full)
    // Names are masked like everything else a report brings (SPEC §7).
    if (!isInside(root, real)) problems.push({ file: maskText(shown), message: maskText(`refused: its real path ${real} is outside the workspace ${root} (reports are read only from inside the workspace)`) })
    else reports.set(shown, { path: shown, source: real })
  }
  if (problems.length > 0) throw new ConfigError(problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
  return [...reports.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p)
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel)
}
