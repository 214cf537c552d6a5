/** Where in an input file something is: 1-based line and column. */
export interface SourcePosition {
  file: string
  line?: number
  col?: number
}

/** One problem with the user's input, printable as `FILE:LINE:COL message`; `file` is '' for none. */
export interface InputProblem extends SourcePosition {
  message: string
}

export function formatProblem(p: InputProblem): string {
  // A problem of no file (an action input, a command-line value) is its message alone.
  if (p.file === '') return p.message
  let where = p.file
  if (p.line !== undefined) where += `:${p.line}`
  if (p.line !== undefined && p.col !== undefined) where += `:${p.col}`
  return `${where} ${p.message}`
}

/**
 * Bad configuration or input: the run cannot be evaluated, so it ends with exit code 2.
 * Carries every problem found, not only the first, so a user fixes them in one pass.
 */
export class ConfigError extends Error {
  readonly problems: InputProblem[]
  constructor(problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
  static at(file: string, message: string, line?: number, col?: number): ConfigError {
    return new ConfigError([{ file, message, line, col }])
  }
}
