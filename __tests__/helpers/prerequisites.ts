import { existsSync } from 'node:fs'

/**
 * A describe that runs when what it needs is here, and is otherwise skipped with the reason in
 * its name, so `npm test` can list every suite it skipped and why (helpers/skip-reporter.mjs).
 * `missing` is undefined when nothing is missing.
 */
export function describeWhen(missing: string | undefined): (name: string, fn: () => void) => void {
  if (missing === undefined) return describe
  return (name, fn) => describe.skip(`${name} [skipped: ${missing}]`, fn)
}

/** Debian's Chromium, for report.html and audit.html in a real browser; undefined when absent. */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
export const NO_CHROMIUM = CHROMIUM ? undefined : 'chromium is not installed (apt-get install chromium; .ci/run installs it)'
