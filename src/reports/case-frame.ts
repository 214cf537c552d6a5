import { countCase, type CaseSink, type ReportStats, type TestCase, type TestProperty, type TestStatus } from './model.js'
import { extractTags } from './tags.js'
import { firstLine } from './xml.js'

/** Text being collected inside a test element, for a message or a property value. */
export class TextCapture {
  private buffer = ''
  private active = false
  constructor(private readonly listen: (on: boolean) => void) {}

  start(): void {
    this.buffer = ''
    this.active = true
    this.listen(true)
  }
  /** Ends the capture; returns the text collected (capped at a few KB). */
  stop(): string {
    const text = this.buffer
    this.buffer = ''
    this.active = false
    this.listen(false)
    return text
  }
  get capturing(): boolean {
    return this.active
  }
  text(t: string): void {
    if (this.active && this.buffer.length < 4000) this.buffer += t
  }
}

/** What a reader knows of a case; the rest (report, tags, counting) is filled in the same way for all. */
export type CaseFields = Omit<TestCase, 'report' | 'properties' | 'tags' | 'attempts'> & {
  properties?: TestProperty[]
  /** Tags besides those in the properties and the name (e.g. categories, traits, inherited ones). */
  tags?: string[]
  attempts?: TestStatus[]
}

/** Builds the normalized case, counts it, and hands it to the sink: the one way every reader emits. */
export function emitCase(report: string, stats: ReportStats, sink: CaseSink, f: CaseFields): void {
  const properties = f.properties ?? []
  const tc: TestCase = {
    report,
    line: f.line,
    suite: f.suite,
    classname: f.classname,
    name: f.name,
    file: f.file ? f.file.replaceAll('\\', '/') : undefined,
    fileLine: f.fileLine,
    status: f.status,
    duration: f.duration,
    properties,
    tags: extractTags(f.name, properties, f.tags ?? []),
    attempts: f.attempts ?? [f.status],
    message: firstLine(f.message)
  }
  countCase(stats, tc.status)
  sink(tc)
}
