import type { SaxesTagPlain } from 'saxes'
import { emitCase, TextCapture } from '../case-frame.js'
import { emptyStats, recordCrash, type CaseSink, type ReportReader, type ReportStats, type TestProperty } from '../model.js'
import { extractTags, isTagProperty } from '../tags.js'
import { firstLine, rootElementName, seconds, streamXml } from '../xml.js'
import { attemptsOf, finalStatus, isForeignOutcome, skippedWithReruns, unknownOutcomeWords, type CaseOutcome } from './status.js'
import { CountCheck } from './counts.js'

const ROOTS = new Set(['testsuites', 'testsuite', 'testrun'])

interface SuiteFrame {
  name: string
  file: string
  /** Control tags from `<properties>` of this suite and its ancestors: they apply to every case inside. */
  tags: string[]
  declaredTests: number
  cases: number
  isLeaf: boolean
  /** Its `failures`/`errors` against the failing results read inside it (counts.ts). */
  counts: CountCheck
}

interface CaseFrame {
  line: number
  attrs: Record<string, string>
  outcome: CaseOutcome
  properties: TestProperty[]
  message?: string
  /** The first failed attempt's message (a flaky case is listed with why it failed). */
  attemptMessage?: string
  /** Failing result elements inside it (`<failure>`, `<error>`, re-runs, flaky attempts, unknown outcomes). */
  failing: number
}

/** What the text being captured is for. */
type CaptureTarget = { kind: 'message' } | { kind: 'property'; name: string } | null

/**
 * One streaming reader for every JUnit dialect. Only the handful of elements that carry meaning
 * are looked at; everything else (system-out, stack traces, attachments) streams past without
 * being kept. DTDs are refused outright, so no external or custom entity is ever resolved.
 * A suite's own `<error>`/`<failure>` (a failing BeforeAll, a crashed fork) is a crash of the
 * report (SPEC §12). The `failures`/`errors` a suite (or `<testsuites>`) declares are not trusted
 * to decide anything, but one that declares more failing results than its cases hold — a failing
 * case removed, a report cut to the passes — contradicts them: a crash, "counts disagree"
 * (counts.ts says exactly when, and why `tests` and `skipped` are not compared).
 */
export const junitReader: ReportReader = {
  format: 'junit',
  sniff(head) {
    const root = rootElementName(head)
    return root !== undefined && ROOTS.has(root)
  },
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('junit')
    await streamXml(chunks, reportPath, ROOTS, 'JUnit', (stream) => new JunitState(reportPath, stats, sink, (on) => stream.listenToText(on)))
    return stats
  }
}

class JunitState {
  private depth = 0
  private readonly suites: SuiteFrame[] = []
  private rootTags: string[] = []
  private current: CaseFrame | null = null
  private captureFor: CaptureTarget = null
  private readonly capture: TextCapture
  /** Depth of the `<properties>` element we are in, and whose it is. */
  private propertiesOwner: 'root' | 'suite' | 'case' | null = null
  /** A suite-level `<error>`/`<failure>` (no testcase around it) becomes a synthetic failed case. */
  private suiteProblem: { line: number; status: 'error' | 'failed'; element: string; message?: string } | null = null
  /** The `<testsuites>` (or `<testrun>`) root's own counts, when the root is not a suite. */
  private rootCounts: CountCheck | null = null

  constructor(
    private readonly reportPath: string,
    private readonly stats: ReportStats,
    private readonly sink: CaseSink,
    listenToText: (on: boolean) => void
  ) {
    this.capture = new TextCapture(listenToText)
  }

  open(tag: SaxesTagPlain, line: number): void {
    const name = tag.name
    const attrs = tag.attributes
    this.depth++
    if (this.depth === 1 && name !== 'testsuite') {
      this.rootCounts = new CountCheck(`<${name}>${attrs.name ? ` "${attrs.name}"` : ''}`, attrs, line)
      return
    }
    const c = this.current
    if (c) {
      this.openInCase(c, name, attrs)
      return
    }
    switch (name) {
      case 'testsuite': {
        const parent = this.suites[this.suites.length - 1]
        if (parent) parent.isLeaf = false
        this.suites.push({
          name: attrs.name ?? '',
          file: attrs.file ?? attrs.filepath ?? parent?.file ?? '',
          tags: parent ? [...parent.tags] : [...this.rootTags],
          declaredTests: Number(attrs.tests) || 0,
          cases: 0,
          isLeaf: true,
          counts: new CountCheck(`suite "${attrs.name ?? ''}"`, attrs, line)
        })
        return
      }
      case 'testcase':
        this.current = {
          line,
          attrs,
          outcome: { error: false, failure: false, skipped: false, flaky: [], reruns: [], status: attrs.status ?? '', result: attrs.result ?? '' },
          properties: [],
          failing: 0
        }
        return
      case 'properties':
        this.propertiesOwner = this.suites.length > 0 ? 'suite' : 'root'
        return
      case 'property':
        if (this.propertiesOwner) this.suiteProperty(attrs)
        return
      default:
        if (name === 'error' || name === 'failure' || isForeignOutcome(name)) {
          this.suiteProblem = { line, status: name === 'failure' ? 'failed' : 'error', element: name, message: firstLine(attrs.message) }
          if (!this.suiteProblem.message) this.startCapture({ kind: 'message' })
        }
    }
  }

  private openInCase(c: CaseFrame, name: string, attrs: Record<string, string>): void {
    const o = c.outcome
    switch (name) {
      case 'failure':
      case 'error':
      case 'skipped':
        if (name === 'failure') o.failure = true
        else if (name === 'error') o.error = true
        else o.skipped = true
        if (name !== 'skipped') c.failing++
        if (c.message === undefined) {
          c.message = firstLine(attrs.message)
          if (c.message === undefined) this.startCapture({ kind: 'message' })
        }
        return
      case 'flakyFailure':
      case 'flakyError':
        o.flaky.push(name === 'flakyError' ? 'error' : 'failed')
        c.failing++
        c.attemptMessage ??= firstLine(attrs.message)
        return
      case 'rerunFailure':
      case 'rerunError':
        o.reruns.push(name === 'rerunError' ? 'error' : 'failed')
        c.failing++
        c.attemptMessage ??= firstLine(attrs.message)
        return
      case 'properties':
        this.propertiesOwner = 'case'
        return
      case 'property':
        if (attrs.name === undefined) return
        if (attrs.value !== undefined) c.properties.push({ name: attrs.name, value: attrs.value })
        else this.startCapture({ kind: 'property', name: attrs.name })
        return
      default:
        if (isForeignOutcome(name)) {
          o.error = true
          c.failing++
          c.message ??= `unknown outcome element <${name}>: read as an error`
        }
    }
  }

  private suiteProperty(attrs: Record<string, string>): void {
    if (!attrs.name || !isTagProperty(attrs.name) || attrs.value === undefined) return
    const tags = extractTags('', [{ name: attrs.name, value: attrs.value }])
    // One at a time: a property may list hundreds of thousands of ids, too many for a spread.
    const into = this.propertiesOwner === 'root' ? this.rootTags : this.suites[this.suites.length - 1]?.tags
    if (into) for (const tag of tags) into.push(tag)
  }

  private startCapture(target: CaptureTarget): void {
    this.captureFor = target
    this.capture.start()
  }

  text(text: string): void {
    this.capture.text(text)
  }

  close(name: string): void {
    this.depth--
    const c = this.current
    if (this.captureFor) this.endCapture(c)
    if (c) {
      if (name === 'testcase') this.emitCase(c)
      else if (name === 'properties') this.propertiesOwner = null
      return
    }
    switch (name) {
      case 'testsuite': {
        const suite = this.suites.pop()
        if (!suite) return
        if (suite.isLeaf && suite.cases === 0 && suite.declaredTests > 0) {
          this.stats.notes.push(`suite "${suite.name}" declares ${suite.declaredTests} tests but lists none`)
        }
        this.checkCounts(suite.counts)
        // What a suite read, its parent (or the root) read too: summed on the way up, never per case per ancestor.
        ;(this.suites[this.suites.length - 1]?.counts ?? this.rootCounts)?.add(suite.counts.failing)
        return
      }
      case 'properties':
        this.propertiesOwner = null
        return
      default:
        if (this.suiteProblem && name === this.suiteProblem.element) {
          this.emitSuiteProblem(this.suiteProblem)
          this.suiteProblem = null
        } else if (this.depth === 0 && this.rootCounts) this.checkCounts(this.rootCounts)
    }
  }

  private checkCounts(counts: CountCheck): void {
    const disagreement = counts.disagreement()
    if (disagreement) recordCrash(this.stats, disagreement, counts.line)
  }

  private endCapture(c: CaseFrame | null): void {
    const capture = this.captureFor
    const text = this.capture.stop()
    this.captureFor = null
    if (capture?.kind === 'property') c?.properties.push({ name: capture.name, value: text.trim() })
    else if (c) c.message = firstLine(text)
    else if (this.suiteProblem) this.suiteProblem.message = firstLine(text)
  }

  private emitCase(c: CaseFrame): void {
    this.current = null
    const suite = this.suites[this.suites.length - 1]
    const status = finalStatus(c.outcome)
    if (suite) suite.cases++
    // A failing status from an attribute alone (status="failed", no element) is a failing result too.
    ;(suite?.counts ?? this.rootCounts)?.add(Math.max(c.failing, status === 'failed' || status === 'error' ? 1 : 0))
    const fileLine = Number(c.attrs.line ?? c.attrs.lineno)
    emitCase(this.reportPath, this.stats, this.sink, {
      line: c.line,
      suite: suite?.name ?? '',
      classname: c.attrs.classname ?? c.attrs.class ?? '',
      name: c.attrs.name ?? '',
      file: c.attrs.file ?? suite?.file,
      fileLine: Number.isInteger(fileLine) && fileLine > 0 ? fileLine : undefined,
      status,
      duration: seconds(c.attrs.time ?? c.attrs.duration),
      properties: c.properties,
      tags: suite?.tags ?? this.rootTags,
      attempts: attemptsOf(c.outcome, status),
      message: skippedWithReruns(c.outcome)
        ? `skipped${c.message ? ` ("${c.message}")` : ''}, but it records re-run failures${c.attemptMessage ? ` ("${c.attemptMessage}")` : ''}: read as failed`
        : (c.message ?? unknownOutcomeWords(c.outcome) ?? (status === 'passed' ? c.attemptMessage : undefined))
    })
  }

  private emitSuiteProblem(p: { line: number; status: 'error' | 'failed'; element: string; message?: string }): void {
    const suite = this.suites[this.suites.length - 1]
    const where = suite ? `suite "${suite.name}"` : 'the report'
    recordCrash(this.stats, `${where} has its own <${p.element}>${p.message ? ` "${p.message}"` : ''}`, p.line)
    ;(suite?.counts ?? this.rootCounts)?.add(1)
    if (!suite) return
    suite.cases++
    emitCase(this.reportPath, this.stats, this.sink, { line: p.line, suite: suite.name, classname: '', name: '(suite)', file: suite.file || undefined, status: p.status, tags: suite.tags, message: p.message })
  }
}

