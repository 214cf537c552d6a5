/**
 * How far reading the reports has come, for a person watching a long run (issue 15): a gigabyte
 * of reports takes tens of seconds, and a log that says nothing for that long looks hung. The
 * gate fills the counts as it reads; the shell prints a line every few seconds from its own
 * timer (the action in its log, the CLI on stderr when that is a terminal, never on stdout).
 */
export class ReadProgress {
  filesTotal = 0
  bytesTotal = 0
  filesRead = 0
  /** Bytes and cases of the reports finished. */
  private bytesDone = 0
  private casesDone = 0
  /** Bytes and cases of the report being read on this thread, so far. */
  bytesLive = 0
  casesLive = 0

  /** A report was read to its end (on any thread). */
  finished(size: number, cases: number): void {
    this.filesRead++
    this.bytesDone += size
    this.casesDone += cases
    this.bytesLive = 0
    this.casesLive = 0
  }

  get bytesRead(): number {
    return Math.min(this.bytesTotal, this.bytesDone + this.bytesLive)
  }

  get cases(): number {
    return this.casesDone + this.casesLive
  }

  /** `reading reports: 12 of 200 files, 312.4 of 977.0 MB, 1,234,567 cases (14 s)` */
  line(elapsedMs: number): string {
    const mb = (n: number): string => (n / 1e6).toFixed(1)
    return `reading reports: ${this.filesRead} of ${this.filesTotal} file${this.filesTotal === 1 ? '' : 's'}, ${mb(this.bytesRead)} of ${mb(this.bytesTotal)} MB, ${this.cases.toLocaleString('en-US')} cases (${Math.round(elapsedMs / 1000)} s)`
  }

  /** `read 200 reports, 977.0 MB, 1,234,567 cases in 42.3 s` */
  summary(elapsedMs: number): string {
    return `read ${this.filesRead} report${this.filesRead === 1 ? '' : 's'}, ${(this.bytesRead / 1e6).toFixed(1)} MB, ${this.cases.toLocaleString('en-US')} cases in ${(elapsedMs / 1000).toFixed(1)} s`
  }
}

/** How often a progress line is printed; SOX_GATE_PROGRESS_MS overrides it (tests). */
export const PROGRESS_INTERVAL_MS = 5000

export function progressInterval(env: NodeJS.ProcessEnv): number {
  const given = Number(env.SOX_GATE_PROGRESS_MS)
  return Number.isInteger(given) && given > 0 ? given : PROGRESS_INTERVAL_MS
}

/**
 * Prints `progress` every `intervalMs` until stopped; stopping prints nothing more. `elapsedMs`
 * is the time since it started, for the last line. The timer is
 * unref'd: it never keeps the process alive, and a run quicker than one interval prints nothing.
 */
export function reportProgress(progress: ReadProgress, print: (line: string) => void, intervalMs: number, now: () => number = Date.now): { stop(): void; elapsedMs(): number } {
  const started = now()
  const timer = setInterval(() => {
    // Nothing to say until the reports are found and their sizes known.
    if (progress.filesTotal > 0) print(progress.line(now() - started))
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer), elapsedMs: () => now() - started }
}
