import { RE2JS } from 're2js'

/** A compiled `regex:` selector: searched in a test's name. */
export interface SelectorRegex {
  test(text: string): boolean
}

/**
 * Compiles a `regex:` selector with RE2JS, an engine that matches in time linear in the text
 * and never backtracks (SPEC §12): `^(a+)+$` against any name ends at once, where a
 * backtracking engine would run for ever. Backtracking-only features — backreferences,
 * lookahead and lookbehind — cannot be matched so and are refused. Throws an Error saying why.
 */
export function compileSelectorRegex(pattern: string): SelectorRegex {
  try {
    return RE2JS.compile(pattern)
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, '')
    const hint = /\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern) ? ' (backreferences and lookarounds need backtracking, which could hang the gate: regexes are matched in linear time, RE2 syntax)' : ''
    throw new Error(`${message}${hint}`, { cause: e })
  }
}
