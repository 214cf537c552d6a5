import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import archiver from 'archiver'
import { unpackZip, ZipRefused } from '../src/github/artifact-zip.js'
import { selectArtifacts, type ListedArtifact } from '../src/github/report-artifacts.js'
import { makeZip } from './helpers/zip.js'

const listed = (...names: string[]): ListedArtifact[] => names.map((name, i) => ({ id: i + 1, name, size: 100, digest: null }))

describe('which artifacts report-artifacts names', () => {
  test('globs, literal names (brackets included) and ! exclusions; sorted by name', () => {
    const run = listed('junit-windows', 'junit [linux]', 'junit-macos', 'coverage', 'junit-flaky')
    const { selected, problems } = selectArtifacts(['junit-*', 'junit [linux]', '!junit-flaky'], 3, run, 'workflow run 1')
    expect(problems).toEqual([])
    expect(selected.map((a) => a.name)).toEqual(['junit [linux]', 'junit-macos', 'junit-windows'])
  })

  test('every pattern must match, and the count must reach min: both said at once', () => {
    const { problems } = selectArtifacts(['junit-*', 'e2e'], 4, listed('junit-linux', 'junit-macos', 'coverage'), 'workflow run 7')
    expect(problems).toEqual([
      '"e2e" matched no artifact of workflow run 7: the run has coverage, junit-linux, junit-macos',
      '2 artifacts matched (junit-linux, junit-macos) but report-artifacts-min is 4: 2 missing — a job that failed or was cancelled before it uploaded its reports proves nothing; the run has coverage, junit-linux, junit-macos'
    ])
  })

  test('a run with no artifact at all', () => {
    expect(selectArtifacts(['junit-*'], 1, [], 'workflow run 7').problems).toEqual([
      '"junit-*" matched no artifact of workflow run 7: the run has no artifact at all',
      '0 artifacts matched (none) but report-artifacts-min is 1: 1 missing — a job that failed or was cancelled before it uploaded its reports proves nothing; the run has no artifact at all'
    ])
  })

  test('an exclusion that removes the only match is a missing artifact, not a pass', () => {
    expect(selectArtifacts(['junit-linux', '!junit-*'], 1, listed('junit-linux'), 'workflow run 7').problems[0]).toBe('"junit-linux" matched no artifact of workflow run 7 (after exclusions): the run has junit-linux')
  })

  test('names that cannot be a folder (another run\'s names are not trusted)', () => {
    expect(selectArtifacts(['*', '..'], 1, listed('..', 'a\\b', 'ok'), 'workflow run 7').problems).toEqual(['artifact name ".." cannot be used as a folder name under .sox-gate/artifacts', 'artifact name "a\\\\b" cannot be used as a folder name under .sox-gate/artifacts'])
  })
})

describe('unpacking an artifact\'s zip', () => {
  const fresh = (): { dir: string; zip: string } => {
    const base = mkdtempSync(path.join(tmpdir(), 'sox-gate-zip-'))
    return { dir: path.join(base, 'out'), zip: path.join(base, 'a.zip') }
  }
  async function archive(build: (a: archiver.Archiver) => void): Promise<Buffer> {
    const a = archiver('zip')
    const chunks: Buffer[] = []
    a.on('data', (c: Buffer) => chunks.push(c))
    const done = new Promise((resolve) => a.on('end', resolve))
    build(a)
    await a.finalize()
    await done
    return Buffer.concat(chunks)
  }

  test('files and folders as uploaded, byte for byte', async () => {
    const { dir, zip } = fresh()
    writeFileSync(zip, await makeZip({ 'TEST-a.xml': '<testsuite/>', 'nested/deeper/TEST-b.xml': '<testsuites/>' }))
    mkdirSync(dir)
    expect(await unpackZip(zip, dir)).toBe(2)
    expect(readFileSync(path.join(dir, 'nested/deeper/TEST-b.xml'), 'utf8')).toBe('<testsuites/>')
  })

  test('a symbolic link is refused', async () => {
    const { dir, zip } = fresh()
    writeFileSync(zip, await archive((a) => a.symlink('TEST-link.xml', '/etc/passwd')))
    mkdirSync(dir)
    await expect(unpackZip(zip, dir)).rejects.toThrow(new ZipRefused('its entry "TEST-link.xml" is a symbolic link'))
    expect(readdirSync(dir)).toEqual([])
  })

  test('the same name twice is refused rather than the second copy winning', async () => {
    const { dir, zip } = fresh()
    writeFileSync(zip, await archive((a) => {
      a.append('<testsuite><testcase name="x"><failure/></testcase></testsuite>', { name: 'TEST.xml' })
      a.append('<testsuite><testcase name="x"/></testsuite>', { name: 'TEST.xml' })
    }))
    mkdirSync(dir)
    await expect(unpackZip(zip, dir)).rejects.toThrow('it holds "TEST.xml" twice')
  })

  test('bytes that are no zip, and an empty file', async () => {
    const { dir, zip } = fresh()
    writeFileSync(zip, '<html>503 Service Unavailable</html>')
    await expect(unpackZip(zip, dir)).rejects.toThrow(/^not a readable zip \(End of central directory record signature not found\. Either not a zip file, or file is truncated\.\)$/)
    writeFileSync(zip, '')
    await expect(unpackZip(zip, dir)).rejects.toThrow(ZipRefused)
  })
})

describe('the artifact inputs, read once with the others', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })
  async function settingsFor(inputs: Record<string, string>, event: string, payload: object) {
    process.env = { ...saved }
    const dir = mkdtempSync(path.join(tmpdir(), 'sox-gate-settings-'))
    writeFileSync(path.join(dir, 'event.json'), JSON.stringify(payload))
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v
    Object.assign(process.env, { GITHUB_REPOSITORY: 'acme/ledger', GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_RUN_ID: '4242' })
    const { readSettings } = await import('../src/action/settings.js')
    return readSettings()
  }

  test('a workflow_run event reads the triggering run\'s artifacts unless run-id says otherwise', async () => {
    const triggered = { workflow_run: { id: 9999, head_sha: 'ab'.repeat(20) } }
    expect(await settingsFor({ 'report-artifacts': 'junit-*, e2e\n!junit-flaky' }, 'workflow_run', triggered)).toMatchObject({ reportArtifacts: ['junit-*', 'e2e', '!junit-flaky'], reportArtifactsMin: 1, artifactsRunId: 9999 })
    expect((await settingsFor({ 'report-artifacts': 'junit-*', 'run-id': '123', 'report-artifacts-min': '2' }, 'workflow_run', triggered))).toMatchObject({ reportArtifactsMin: 2, artifactsRunId: 123 })
    expect((await settingsFor({ 'report-artifacts': 'junit-*' }, 'push', { workflow_run: { id: 5 } })).artifactsRunId).toBeUndefined()
  })

  test('only exclusions is no list of artifacts', async () => {
    await expect(settingsFor({ 'report-artifacts': '!junit-flaky' }, 'push', {})).rejects.toThrow('input report-artifacts only excludes (every entry starts with !): name the artifacts to read')
  })
})
