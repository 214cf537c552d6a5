import fg from 'fast-glob'
import { ConfigError } from './errors.js'

/**
 * Report files for a list of globs (each entry may hold several, one per line; `!` excludes).
 * Every including glob must match at least one file: a report that silently went missing would
 * otherwise read as "nothing failed". Order is deterministic: sorted by path, duplicates removed.
 */
export async function discoverReports(globs: readonly string[], cwd: string, source: string): Promise<string[]> {
  const patterns = globs.flatMap((g) => g.split(/\r?\n/)).map((g) => g.trim()).filter((g) => g !== '' && !g.startsWith('#'))
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  const includes = patterns.filter((p) => !p.startsWith('!'))
  if (includes.length === 0) throw ConfigError.at(source, 'no report globs: give --reports (the action\'s `reports` input) or list `reports:` in the control map')
  const found = new Set<string>()
  const problems = []
  for (const pattern of includes) {
    const files = await fg(pattern, { cwd, ignore: excludes, onlyFiles: true, dot: true, followSymbolicLinks: true, unique: true })
    if (files.length === 0) problems.push({ file: source, message: `reports glob ${JSON.stringify(pattern)} matched no file${excludes.length ? ' (after exclusions)' : ''} in ${cwd}` })
    for (const f of files) found.add(f)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
