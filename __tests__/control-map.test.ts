import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { parse as parseYaml } from 'yaml'
import { loadControlMap } from '../src/controls/load.js'
import { ConfigError } from '../src/errors.js'
import { ROOT } from './helpers/corpus.js'

function problems(yaml: string): string[] {
  try {
    loadControlMap(yaml, 'map.yml')
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message.split('\n')
  }
  throw new Error('expected the control map to be refused')
}

const VALID = `version: 1
system: ledger
controls:
  - id: CM-01
    title: Entries balance
    tests:
      - tag: CM-01
      - name: "Ledger posting * balances"
      - file: "src/ledger/**"
    min-tests: 2
  - id: CM-02
    title: Independent approval
    approval:
      min-approvals: 2
waivers:
  - id: EXC-1
    control: CM-01
    reason: hotfix
    requested-by: alice
    approved-by: carol
    expires: 2026-12-05T00:00:00Z
`

describe('control map loader', () => {
  test('a valid map loads with defaults applied and every item located', () => {
    const map = loadControlMap(VALID, 'map.yml')
    expect(map.system).toBe('ledger')
    const [cm1, cm2] = map.controls
    expect(cm1).toMatchObject({ id: 'CM-01', line: 4, col: 5, minTests: 2, allowSkipped: false, flaky: 'pass', key: false })
    expect(cm1?.tests).toEqual([
      { kind: 'tag', pattern: 'CM-01', line: 7, col: 9 },
      { kind: 'name', pattern: 'Ledger posting * balances', line: 8, col: 9 },
      { kind: 'file', pattern: 'src/ledger/**', line: 9, col: 9 }
    ])
    expect(cm2?.approval).toEqual({
      minApprovals: 2,
      fresh: true,
      authors: ['pr-author', 'commit-authors', 'committers', 'co-authors'],
      botsCanApprove: false,
      blockOnChangesRequested: true,
      deploymentApproval: false,
      allowedApprovers: [],
      allowUnlinkedAuthors: false,
      waivable: false
    })
    expect(map.waivers[0]).toMatchObject({ id: 'EXC-1', requestedBy: 'alice', approvedBy: 'carol', expiresAt: Date.UTC(2026, 11, 5), line: 16 })
    expect(map).toMatchObject({ controlOwners: [], protectedPaths: [], maxWaiverDays: 30 })
  })

  test('control-owners (lower-cased), protected-paths, max-waiver-days and waivable load; bad ones are FILE:LINE:COL errors', () => {
    const ok = loadControlMap('version: 1\nsystem: s\ncontrol-owners: [Olivia, dan]\nprotected-paths: ["deploy/**"]\nmax-waiver-days: 7\ncontrols:\n  - { id: A, title: t, approval: { waivable: true } }\n', 'm.yml')
    expect(ok).toMatchObject({ controlOwners: ['olivia', 'dan'], protectedPaths: ['deploy/**'], maxWaiverDays: 7 })
    expect(ok.controls[0]?.approval?.waivable).toBe(true)
    const bad = 'version: 1\nsystem: s\nmax-waiver-days: 91\nprotected-paths: ["deploy/[x"]\ncontrols:\n  - { id: SOX-GATE-INTEGRITY, title: t, tests: [{ tag: A }] }\n'
    expect(() => loadControlMap(bad, 'm.yml')).toThrow('m.yml:3:18 /max-waiver-days: must be at most 90')
    const noSchemaProblem = bad.replace('91', '30')
    let message = ''
    try {
      loadControlMap(noSchemaProblem, 'm.yml')
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('m.yml:6:5 control id "SOX-GATE-INTEGRITY" is the gate\'s own built-in control: choose another id')
    expect(message).toContain('m.yml:4:19 protected-paths: invalid glob "deploy/[x"')
  })

  test('YAML syntax errors give FILE:LINE:COL', () => {
    const lines = problems('version: 1\nsystem: [unclosed\ncontrols: []\n')
    expect(lines[0]).toMatch(/^map\.yml:\d+:\d+ /)
  })

  test('duplicate YAML keys are an error at the second key', () => {
    expect(problems('version: 1\nsystem: a\nsystem: b\ncontrols: []\n')[0]).toMatch(/^map\.yml:3:1 .*unique/i)
  })

  test('schema violations: every one reported, each at its own position, unknown keys at the key', () => {
    const lines = problems(`version: 2
system: ledger
controls:
  - id: "CM 01"
    title: t
    tests:
      - tag: X
        name: both
    colour: red
    flaky: sometimes
`)
    expect(lines).toEqual(
      expect.arrayContaining([
        'map.yml:1:10 /version: must be 1',
        'map.yml:4:9 /controls/0/id: must match ^[A-Za-z0-9._-]+$ (letters, digits, ".", "_" and "-")',
        'map.yml:7:9 /controls/0/tests/0: a selector has exactly one of: tag, name, suite, file, regex',
        'map.yml:9:5 /controls/0: unknown key "colour"',
        'map.yml:10:12 /controls/0/flaky: must be one of: "pass", "fail"'
      ])
    )
    expect(lines).toHaveLength(5)
  })

  test('a missing required key points at the mapping that lacks it', () => {
    expect(problems('version: 1\ncontrols:\n  - id: A\n')).toEqual(['map.yml:1:1 /: missing required key "system"', 'map.yml:3:5 /controls/0: needs "tests" or "approval" (or both): without, nothing could prove it', 'map.yml:3:5 /controls/0: missing required key "title"'])
  })

  test('semantic errors: duplicate id, waiver for an unknown control, bad glob, bad regex, nothing to prove it', () => {
    const lines = problems(`version: 1
system: s
controls:
  - id: A
    title: a
    tests:
      - suite: "ledger.[posting"
      - regex: "(unclosed"
  - id: A
    title: again
    tests: [{ tag: A }]
  - id: B
    title: unproven
waivers:
  - id: W
    control: NOPE
    reason: r
    requested-by: x
    approved-by: y
    expires: 2030-01-01T00:00:00Z
`)
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/^map\.yml:7:9 control "A": invalid suite glob "ledger\.\[posting": /)
    expect(lines[1]).toMatch(/^map\.yml:8:9 control "A": invalid regex "\(unclosed": /)
    expect(lines.slice(2)).toEqual([
      'map.yml:9:5 duplicate control id "A" (first defined at line 4)',
      'map.yml:12:5 /controls/2: needs "tests" or "approval" (or both): without, nothing could prove it',
      'map.yml:16:14 waiver "W" names unknown control "NOPE"'
    ])
  })

  test('min-tests must be at least 1: a control that needs no passing test would pass on nothing', () => {
    expect(problems('version: 1\nsystem: s\ncontrols:\n  - id: A\n    title: a\n    tests: [{ tag: A }]\n    min-tests: 0\n')).toEqual([
      'map.yml:7:16 /controls/0/min-tests: must be at least 1'
    ])
  })

  test('a waiver expiry must be a date-time with a zone', () => {
    const yaml = VALID.replace('expires: 2026-12-05T00:00:00Z', 'expires: next tuesday')
    expect(problems(yaml)).toEqual(['map.yml:21:14 /waivers/0/expires: must be a date-time (e.g. 2026-12-05T00:00:00Z)'])
  })

  test('an empty file or a scalar is refused', () => {
    expect(problems('')).toEqual(['map.yml:1:1 the control map must be a mapping with version, system and controls'])
    expect(problems('just text')).toEqual(['map.yml:1:1 the control map must be a mapping with version, system and controls'])
  })

  test("the project's own control map (.github/sox-controls.yml) is valid and names tests that exist", () => {
    const own = loadControlMap(readFileSync(path.join(ROOT, '.github/sox-controls.yml'), 'utf8'), '.github/sox-controls.yml')
    expect(own.controls.map((c) => c.id)).toEqual(['SG-01', 'SG-02', 'SG-03', 'SG-04', 'SG-05', 'SG-06'])
    for (const c of own.controls) for (const s of c.tests) if (s.kind === 'file') expect(existsSync(path.join(ROOT, s.pattern))).toBe(true)
  })

  test('the schema and `validate` agree on every map of the project: the examples, its own, and every literal map of the tests', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema/control-map.schema.json'), 'utf8'))
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    ;((addFormatsModule as unknown as { default?: unknown }).default as (a: Ajv2020) => void)(ajv)
    const check = ajv.compile(schema)
    const maps: [string, string][] = [
      ['examples/sox-controls.yml', readFileSync(path.join(ROOT, 'examples/sox-controls.yml'), 'utf8')],
      ['.github/sox-controls.yml', readFileSync(path.join(ROOT, '.github/sox-controls.yml'), 'utf8')]
    ]
    for (const file of readdirSync(path.join(ROOT, '__tests__')).filter((f) => f.endsWith('.test.ts'))) {
      const text = readFileSync(path.join(ROOT, '__tests__', file), 'utf8')
      for (const m of text.matchAll(/`(version: 1\n[^`$]*)`/g)) maps.push([`${file}@${m.index}`, m[1] as string])
    }
    expect(maps.length).toBeGreaterThan(15)
    // What only `validate` can check (unique ids, compiling globs and regexes, waivers naming real
    // controls, the reserved id) is the one way they may differ: the schema accepts, validate refuses.
    const semanticOnly = /duplicate (control|waiver) id|invalid regex|names unknown control|glob|gate's own built-in control/
    const disagreements: string[] = []
    for (const [name, text] of maps) {
      let parsed: unknown
      try {
        parsed = parseYaml(text)
      } catch {
        continue // not YAML at all: neither can accept it
      }
      let refusal: string | undefined
      try {
        loadControlMap(text, name)
      } catch (e) {
        refusal = (e as Error).message
      }
      const schemaAccepts = check(parsed) === true
      if (!schemaAccepts && refusal === undefined) disagreements.push(`${name}: the schema refuses what validate accepts: ${ajv.errorsText(check.errors)}`)
      if (schemaAccepts && refusal !== undefined && !refusal.split('\n').every((line) => semanticOnly.test(line))) disagreements.push(`${name}: validate refuses what the schema accepts: ${refusal}`)
    }
    expect(disagreements).toEqual([])
  })

  test('every property of the control map schema has a description (editors show it on hover), and its $id resolves to the file at a release tag', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema/control-map.schema.json'), 'utf8')) as Record<string, unknown>
    expect(schema.$id).toBe('https://raw.githubusercontent.com/sox-gate/sox-gate/v1/schema/control-map.schema.json')
    const undescribed: string[] = []
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return
      const n = node as Record<string, unknown>
      for (const [key, value] of Object.entries((n.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if ((value as unknown) === true) continue
        if (typeof value.description !== 'string' || value.description.length < 10) undescribed.push(`${where}/${key}`)
        walk(value, `${where}/${key}`)
      }
      for (const [key, value] of Object.entries((n.$defs as Record<string, unknown> | undefined) ?? {})) walk(value, `#/$defs/${key}`)
      if (n.items) walk(n.items, `${where}[]`)
    }
    walk(schema, '#')
    expect(undescribed).toEqual([])
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('# yaml-language-server: $schema=https://raw.githubusercontent.com/sox-gate/sox-gate/v1/schema/control-map.schema.json')
  })

  test('the shipped schema is valid draft 2020-12 and accepts the bundled example', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema/control-map.schema.json'), 'utf8'))
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    const ajv = new Ajv2020({ strict: false })
    expect(ajv.validateSchema(schema)).toBe(true)
    const example = readFileSync(path.join(ROOT, 'examples/sox-controls.yml'), 'utf8')
    expect(loadControlMap(example, 'examples/sox-controls.yml').controls.map((c) => c.id)).toEqual(['CM-01', 'CM-03', 'CM-04', 'CM-02'])
  })
})
