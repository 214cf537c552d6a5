import picomatch from 'picomatch'
import type { ControlMap } from './model.js'

/** The built-in control that guards the gate itself (SPEC §9). */
export const INTEGRITY_CONTROL_ID = 'SOX-GATE-INTEGRITY'

/**
 * Paths whose change can loosen the gate, whatever the map says: the workflows and actions that
 * run it (and so choose its inputs), the code owners who review it, and an action's own metadata.
 * The control map's own path is added per map.
 */
export const ALWAYS_PROTECTED = ['.github/workflows/**', '.github/actions/**', 'CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS', 'action.yml', 'action.yaml'] as const

/** The protected globs of a trusted map: the always-protected ones, its own path, and its `protected-paths`. */
export function protectedGlobs(map: Pick<ControlMap, 'protectedPaths'>, mapPath: string): string[] {
  return [...ALWAYS_PROTECTED, normalisePath(mapPath), ...map.protectedPaths]
}

/** A matcher for repository paths ("/"-separated, no leading "./"); dotfiles match like any file. */
export function protectedMatcher(globs: readonly string[]): (file: string) => string | undefined {
  const compiled = globs.map((g) => ({ glob: g, test: picomatch(g, { dot: true, nocase: false }) }))
  return (file) => compiled.find((c) => c.test(normalisePath(file)))?.glob
}

/** Repository-relative form of a path as a user may write it (`./x`, `x`, `\\` on Windows). */
export function normalisePath(p: string): string {
  return p.replaceAll('\\', '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '')
}
