import { ConfigError, type InputProblem } from '../errors.js'
import { INTEGRITY_CONTROL_ID } from './protected.js'
import type { ApprovalRule, Control, ControlMap, Selector, SelectorKind, Waiver } from './model.js'
import { compileGlob } from './glob.js'
import { compileSelectorRegex } from './regex.js'
import { parseWithPositions, schemaProblems, type YamlPositions } from './positions.js'
import { validateControlMap } from '../schemas.js'

type Raw = Record<string, unknown>

/**
 * Parses and checks a control map: YAML syntax, the JSON Schema, then the rules a schema cannot
 * say (unique ids, waivers naming real controls, globs and regexes that compile, every control
 * proven by something). Throws one ConfigError listing every problem with its position.
 */
export function loadControlMap(text: string, file: string): ControlMap {
  const { data, positions } = parseWithPositions(text, file)
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw ConfigError.at(file, 'the control map must be a mapping with version, system and controls', 1, 1)
  }
  if (!validateControlMap(data)) {
    // Both kinds of check run on every load, so that one error does not hide the next: the
    // rules a schema cannot say are checked on what could be built despite the schema's findings.
    const found = schemaProblems(validateControlMap.errors ?? [], file, positions)
    let more: InputProblem[] = []
    try {
      more = semanticProblems(build(data as Raw, file, text, positions), positions)
    } catch {
      // Too malformed to build: the schema's findings are the whole story.
    }
    throw new ConfigError(inFileOrder([...found, ...more.filter((p) => !found.some((f) => f.line === p.line && f.col === p.col))]))
  }
  const map = build(data as Raw, file, text, positions)
  const problems = semanticProblems(map, positions)
  if (problems.length > 0) throw new ConfigError(inFileOrder(problems))
  return map
}

/** Problems as a reader meets them: by line, then column (stable for equal positions). */
function inFileOrder(problems: InputProblem[]): InputProblem[] {
  return problems.map((p, i) => ({ p, i })).sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.col ?? 0) - (b.p.col ?? 0) || a.i - b.i).map(({ p }) => p)
}

function build(raw: Raw, file: string, source: string, positions: YamlPositions): ControlMap {
  const controls = (raw.controls as Raw[]).map((c, i) => buildControl(c, positions, ['controls', i]))
  const waivers = ((raw.waivers as Raw[] | undefined) ?? []).map((w, i): Waiver => ({
    ...positions.of(['waivers', i]),
    id: w.id as string,
    control: w.control as string,
    reason: w.reason as string,
    incident: w.incident as string | undefined,
    requestedBy: w['requested-by'] as string,
    approvedBy: w['approved-by'] as string,
    expires: w.expires as string,
    expiresAt: Date.parse(w.expires as string),
    compensatingControl: w['compensating-control'] as string | undefined
  }))
  return {
    file,
    source,
    version: 1,
    system: raw.system as string,
    owner: raw.owner as string | undefined,
    controlOwners: ((raw['control-owners'] as string[] | undefined) ?? []).map((l) => l.toLowerCase()),
    protectedPaths: (raw['protected-paths'] as string[] | undefined) ?? [],
    trustedBranches: (raw['trusted-branches'] as string[] | undefined) ?? [],
    deployers: ((raw.deployers as string[] | undefined) ?? []).map((l) => l.toLowerCase()),
    maxWaiverDays: (raw['max-waiver-days'] as number | undefined) ?? 30,
    reports: (raw.reports as string[] | undefined) ?? [],
    committedReports: (raw['committed-reports'] as 'allow' | 'refuse' | undefined) ?? 'refuse',
    controls,
    waivers
  }
}

function buildControl(c: Raw, positions: YamlPositions, path: (string | number)[]): Control {
  const tests = ((c.tests as Raw[] | undefined) ?? []).map((s, j): Selector => {
    const kind = Object.keys(s)[0] as SelectorKind
    return { ...positions.of([...path, 'tests', j]), kind, pattern: s[kind] as string }
  })
  return {
    ...positions.of(path),
    id: c.id as string,
    title: c.title as string,
    sox: (c.sox as string[] | undefined) ?? [],
    objective: c.objective as string | undefined,
    risk: c.risk as string | undefined,
    owner: c.owner as string | undefined,
    type: c.type as Control['type'],
    key: (c.key as boolean | undefined) ?? false,
    tests,
    minTests: (c['min-tests'] as number | undefined) ?? 1,
    allowSkipped: (c['allow-skipped'] as boolean | undefined) ?? false,
    flaky: (c.flaky as 'pass' | 'fail' | undefined) ?? 'pass',
    approval: c.approval ? buildApproval(c.approval as Raw) : undefined
  }
}

function buildApproval(a: Raw): ApprovalRule {
  return {
    minApprovals: (a['min-approvals'] as number | undefined) ?? 1,
    fresh: (a.fresh as boolean | undefined) ?? true,
    authors: (a.authors as ApprovalRule['authors'] | undefined) ?? ['pr-author', 'commit-authors', 'committers', 'co-authors'],
    botsCanApprove: (a['bots-can-approve'] as boolean | undefined) ?? false,
    blockOnChangesRequested: (a['block-on-changes-requested'] as boolean | undefined) ?? true,
    deploymentApproval: (a['deployment-approval'] as boolean | undefined) ?? false,
    allowedApprovers: (a['allowed-approvers'] as string[] | undefined) ?? [],
    allowUnlinkedAuthors: (a['allow-unlinked-authors'] as boolean | undefined) ?? false,
    waivable: (a.waivable as boolean | undefined) ?? false
  }
}

function semanticProblems(map: ControlMap, positions: YamlPositions): InputProblem[] {
  const problems: InputProblem[] = []
  const file = map.file
  const firstById = new Map<string, Control>()
  for (const c of map.controls) {
    const first = firstById.get(c.id)
    if (first) problems.push({ file, line: c.line, col: c.col, message: `duplicate control id "${c.id}" (first defined at line ${first.line})` })
    else firstById.set(c.id, c)
    if (c.tests.length === 0 && !c.approval) {
      problems.push({ file, line: c.line, col: c.col, message: `control "${c.id}" has neither tests nor approval: nothing could prove it` })
    }
    for (const s of c.tests) {
      const problem = selectorProblem(s)
      if (problem) problems.push({ file, line: s.line, col: s.col, message: `control "${c.id}": ${problem}` })
    }
  }
  for (const [i, glob] of map.protectedPaths.entries()) {
    const problem = selectorProblem({ kind: 'file', pattern: glob, line: 0, col: 0 })
    if (problem) problems.push({ file, ...positions.of(['protected-paths', i]), message: `protected-paths: ${problem.replace('file glob', 'glob')}` })
  }
  for (const [i, glob] of map.trustedBranches.entries()) {
    const problem = selectorProblem({ kind: 'file', pattern: glob, line: 0, col: 0 })
    if (problem) problems.push({ file, ...positions.of(['trusted-branches', i]), message: `trusted-branches: ${problem.replace('file glob', 'glob')}` })
  }
  for (const [i, login] of map.deployers.entries()) {
    // Every workflow of every branch writes as this account: listing it trusts any GITHUB_TOKEN (SPEC §13).
    if (login === 'github-actions[bot]') problems.push({ file, ...positions.of(['deployers', i]), message: 'deployers: github-actions[bot] writes for every workflow on every branch (any GITHUB_TOKEN), so it cannot vouch for a deployment; a deployment from Actions counts through its run on the default branch instead' })
  }
  if (firstById.has(INTEGRITY_CONTROL_ID)) {
    const c = firstById.get(INTEGRITY_CONTROL_ID) as Control
    problems.push({ file, line: c.line, col: c.col, message: `control id "${INTEGRITY_CONTROL_ID}" is the gate's own built-in control: choose another id` })
  }
  const waiverIds = new Map<string, Waiver>()
  for (const w of map.waivers) {
    const first = waiverIds.get(w.id)
    if (first) problems.push({ file, line: w.line, col: w.col, message: `duplicate waiver id "${w.id}" (first defined at line ${first.line})` })
    else waiverIds.set(w.id, w)
    if (!firstById.has(w.control)) {
      const at = positions.of(['waivers', map.waivers.indexOf(w), 'control'])
      problems.push({ file, ...at, message: `waiver "${w.id}" names unknown control "${w.control}"` })
    }
  }
  return problems
}

/** Why a selector cannot be used, or undefined when it compiles. */
export function selectorProblem(s: Selector): string | undefined {
  try {
    if (s.kind === 'regex') compileSelectorRegex(s.pattern)
    else if (s.kind !== 'tag') compileGlob(s.pattern, { slashes: s.kind === 'file' })
    return undefined
  } catch (e) {
    const what = s.kind === 'regex' ? 'regex' : `${s.kind} glob`
    return `invalid ${what} ${JSON.stringify(s.pattern)}: ${(e as Error).message}`
  }
}
