import type { Control } from '../controls/model.js'
import { compileSelectorRegex } from '../controls/regex.js'
import { detach, fullName, type TestCase } from '../reports/model.js'
import { compileGlob } from '../controls/glob.js'
import { LiteralIndex } from './literal-index.js'
import { globRequiredLiteral, regexRequirements } from './required-literals.js'
import { globLiteralPrefix, PatternIndex, type PatternEntry } from './pattern-index.js'

/** Suites and files repeat across thousands of cases: their matches are remembered, up to this many. */
const MEMO_LIMIT = 50_000

/**
 * Which controls a test case belongs to. Built once from the control map; per case the cost is a
 * few hash lookups and the patterns that share the case's prefix — not cases × controls.
 *
 * Selector meanings (documented in the README):
 *  - tag:   a tag of the case (property `control`/`controls`, `[ID]` or `@ID` in its name), exact.
 *  - name:  glob on the test's own name or on its full name (suite › classname › name); `*` matches any text.
 *           Globs are matched in linear time (glob.ts, RE2), as regexes are.
 *  - regex: searched in the test's own name or its full name.
 *  - suite: glob on the suite name or the classname; `*` matches any text.
 *  - file:  glob on the source file, `/`-separated; `*` stays within a folder, `**` crosses folders.
 */
export class ControlIndex {
  private readonly byTag = new Map<string, number[]>()
  /** name globs and regexes, filed by a literal they require; tried on the own and the full name. */
  private readonly nameExact = new Map<string, number[]>()
  private readonly namePatterns = new LiteralIndex()
  private readonly suites = new PatternIndex()
  private readonly files = new PatternIndex()
  private readonly suiteMemo = new Map<string, number[]>()
  private readonly fileMemo = new Map<string, number[]>()
  /** Dedupes hits within one case without allocating a set per case. */
  private readonly stamp: Uint32Array
  private generation = 0
  /** The case being matched: read by `hit` and `testName`, made once so no closure is made per case. */
  private out: number[] = []
  private full = ''
  private own = ''
  private readonly hit = (c: number): void => {
    if (this.stamp[c] !== this.generation) {
      this.stamp[c] = this.generation
      this.out.push(c)
    }
  }
  private readonly testName = (e: PatternEntry): boolean => e.test(this.full) || (this.full !== this.own && e.fullImpliesOwn !== true && e.test(this.own))

  constructor(controls: readonly Control[]) {
    this.stamp = new Uint32Array(controls.length)
    controls.forEach((control, index) => {
      for (const s of control.tests) {
        switch (s.kind) {
          case 'tag':
            pushTo(this.byTag, s.pattern, index)
            break
          case 'regex': {
            const re = compileSelectorRegex(s.pattern)
            // RE2 flag groups (`(?i)`) and quoting (`\Q…\E`) change what a literal means: no prefilter then.
            const required = /\(\?[A-Za-z-]|\\Q/.test(s.pattern) ? [] : regexRequirements(s.pattern)
            // Without an assertion that looks before the match, a find in the own name (the tail of
            // the full name) is a find in the full name too: searching the full name is enough.
            const tailSafe = !/\^|\\[AbB]/.test(s.pattern)
            this.namePatterns.addRequiring({ control: index, test: (x) => re.test(x), fullImpliesOwn: tailSafe }, required)
            break
          }
          case 'name': {
            const { literal, whole } = globLiteralPrefix(s.pattern)
            if (whole) pushTo(this.nameExact, literal, index)
            else {
              const glob = compileGlob(s.pattern, { slashes: false })
              this.namePatterns.add({ control: index, test: (x) => glob.test(x) }, globRequiredLiteral(s.pattern))
            }
            break
          }
          case 'suite':
            addGlob(this.suites, index, s.pattern, true)
            break
          case 'file':
            addGlob(this.files, index, s.pattern, false)
            break
        }
      }
    })
  }

  /** Indices of the controls `tc` belongs to, ascending; empty when none. `full` is fullName(tc). */
  match(tc: TestCase, full: string = fullName(tc)): number[] {
    this.generation++
    const out: number[] = []
    this.out = out
    const hit = this.hit
    for (const tag of tc.tags) {
      const list = this.byTag.get(tag)
      if (list) for (const c of list) hit(c)
    }
    if (this.nameExact.size > 0) {
      for (const c of this.nameExact.get(tc.name) ?? []) hit(c)
      if (full !== tc.name) for (const c of this.nameExact.get(full) ?? []) hit(c)
    }
    if (this.namePatterns.size > 0) {
      // The own name is the tail of the full name, so one scan of the full name finds the literals of both.
      this.full = full
      this.own = tc.name
      this.namePatterns.match(full, this.testName, hit)
    }
    if (this.suites.size > 0) {
      for (const c of memoMatch(this.suiteMemo, this.suites, tc.suite)) hit(c)
      if (tc.classname && tc.classname !== tc.suite) for (const c of memoMatch(this.suiteMemo, this.suites, tc.classname)) hit(c)
    }
    if (this.files.size > 0 && tc.file) for (const c of memoMatch(this.fileMemo, this.files, tc.file)) hit(c)
    if (out.length > 1) out.sort((a, b) => a - b)
    return out
  }
}

function addGlob(index: PatternIndex, control: number, glob: string, starCrossesSlash: boolean): void {
  const { literal, whole } = globLiteralPrefix(glob)
  // In a suite glob a single `*` matches any text, `/` included — suite names are not paths.
  // Matched in linear time (RE2): the change writes the names (issue 22).
  const compiled = compileGlob(glob, { slashes: !starCrossesSlash })
  index.add({ control, test: (s) => compiled.test(s) }, literal, whole)
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function memoMatch(memo: Map<string, number[]>, index: PatternIndex, s: string): number[] {
  let found = memo.get(s)
  if (found === undefined) {
    const hits: number[] = []
    index.match(s, (c) => hits.push(c))
    found = hits
    if (memo.size >= MEMO_LIMIT) memo.clear()
    memo.set(detach(s), found)
  }
  return found
}
