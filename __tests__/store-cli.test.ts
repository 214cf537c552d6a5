import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { FakeS3 } from './helpers/fake-s3.js'
import { awsEnv, BUNDLE, cli, fakeS3, s3Client, SHA, sha256, storeRun } from './helpers/store-run.js'

let s3: FakeS3 | undefined
let client: S3Client | undefined
afterEach(async () => {
  client?.destroy()
  await s3?.close()
  s3 = client = undefined
})

async function start(): Promise<{ fake: FakeS3; client: S3Client }> {
  s3 = await fakeS3()
  client = s3Client(s3)
  return { fake: s3, client }
}

/** What a writer with s3:PutObject can do: a new object (or a new version of an existing key), with its right checksum. */
async function put(c: S3Client, key: string, body: string): Promise<void> {
  await c.send(new PutObjectCommand({ Bucket: 'evidence', Key: key, Body: body, ChecksumSHA256: sha256(body, 'base64'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }))
}

const LEDGER = 'sox/acme/ledger-service/ledger/'
const name = (n: number): string => String(n).padStart(12, '0')
const entryText = (sequence: number, previous: string | null, runId: string): string =>
  JSON.stringify({ sequence, previous, manifestSha256: sha256(`manifest ${runId}`), decision: 'allow', sha: SHA, run: { id: runId, attempt: '1' } }) + '\n'

/** Entries 1..n chained as the action chains them; returns their texts. */
async function chain(c: S3Client, n: number): Promise<string[]> {
  const texts: string[] = []
  for (let i = 1; i <= n; i++) {
    texts.push(entryText(i, i === 1 ? null : sha256(texts[i - 2] as string), String(100 + i)))
    await put(c, `${LEDGER}${name(i)}.json`, texts[i - 1] as string)
  }
  return texts
}

const ledger = (fake: FakeS3): Promise<{ code: number; stdout: string; stderr: string }> => cli(['ledger', 's3://evidence/sox/acme/ledger-service'], awsEnv(fake))

describe('sox-gate ledger s3://…', () => {
  test('an intact chain (more entries than one listing page): exit 0, the count and the head', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 3)
    const r = await ledger(fake)
    expect(r.stdout).toBe(
      `intact: ledger s3://evidence/${LEDGER}: 3 entries, head 000000000003 sha256 ${sha256(texts[2] as string)} (allow, sha ${SHA}, run 103-1, manifest sha256 ${sha256('manifest 103')})\n`
    )
    expect(r.code).toBe(0)
  })

  test('a long chain (past one read-ahead window of 64): a break at entry 66 is found, and only that', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 65)
    await put(client, `${LEDGER}${name(66)}.json`, entryText(66, sha256(texts[63] as string), '166'))
    await put(client, `${LEDGER}${name(67)}.json`, entryText(67, sha256(entryText(66, sha256(texts[63] as string), '166')), '167'))
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')).toEqual([
      `break: 000000000066: previous is ${sha256(texts[63] as string)}, but entry 000000000065 hashes to ${sha256(texts[64] as string)}`,
      `BROKEN: 1 finding in the ledger s3://evidence/${LEDGER} (67 entries)`,
      ''
    ])
  })

  test('a gap: exit 1, naming the missing entry', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 2)
    await put(client, `${LEDGER}${name(4)}.json`, entryText(4, sha256(texts[1] as string), '104'))
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')).toEqual(['gap: entry 000000000003 is missing before 000000000004', `BROKEN: 1 finding in the ledger s3://evidence/${LEDGER} (3 entries)`, ''])
  })

  test('a broken previous: exit 1, naming the entry and both hashes', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 2)
    await put(client, `${LEDGER}${name(3)}.json`, entryText(3, sha256(texts[0] as string), '103'))
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`break: 000000000003: previous is ${sha256(texts[0] as string)}, but entry 000000000002 hashes to ${sha256(texts[1] as string)}\n`)
  })

  test('an entry written over with a new version (the lock keeps the original, not the key): named, and the original chain is walked', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 3)
    const forged = (texts[1] as string).replace('"allow"', '"block"')
    await put(client, `${LEDGER}${name(2)}.json`, forged)
    // The locked original stays underneath: the store only added a version.
    expect(fake.versions('evidence', `${LEDGER}${name(2)}.json`).map((v) => v.body.toString('utf8'))).toEqual([texts[1], forged])
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')).toEqual([
      '000000000002: written over 1 time after it was stored; its first version is the one checked',
      `BROKEN: 1 finding in the ledger s3://evidence/${LEDGER} (3 entries)`,
      ''
    ])
  })

  test('an entry hidden by a delete marker: named, not a gap', async () => {
    const { fake, client } = await start()
    await chain(client, 3)
    await client.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: `${LEDGER}${name(3)}.json` }))
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('000000000003: hidden by 1 delete marker; its first version is the one checked\n')
    expect(r.stdout).not.toContain('gap')
  })

  test('an entry that is not a ledger entry, and one that names the wrong number', async () => {
    const { fake, client } = await start()
    const texts = await chain(client, 1)
    await put(client, `${LEDGER}${name(2)}.json`, entryText(7, sha256(texts[0] as string), '102'))
    await put(client, `${LEDGER}notes.txt`, 'hello')
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`${LEDGER}notes.txt: not a ledger entry name`)
    expect(r.stdout).toContain('000000000002: says it is entry 7')
  })

  test('AWS_ENDPOINT_URL (for every service) reaches the store as AWS_ENDPOINT_URL_S3 does', async () => {
    const { fake, client } = await start()
    await chain(client, 1)
    const { AWS_ENDPOINT_URL_S3: endpoint, ...env } = awsEnv(fake)
    const r = await cli(['ledger', 's3://evidence/sox/acme/ledger-service'], { ...env, AWS_ENDPOINT_URL: endpoint })
    expect(r.stdout).toMatch(/^intact: ledger s3:\/\/evidence\/sox\/acme\/ledger-service\/ledger\/: 1 entry, head 000000000001 /)
    expect(r.code).toBe(0)
  })

  test('no ledger there: exit 1, not "intact"', async () => {
    const { fake } = await start()
    const r = await ledger(fake)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`no ledger entries under s3://evidence/${LEDGER}`)
  })

  test.each([
    [['ledger'], 'ledger takes exactly one s3://BUCKET/PREFIX/OWNER/REPO'],
    [['ledger', 'sox/acme'], 'ledger takes exactly one s3://BUCKET/PREFIX/OWNER/REPO'],
    [['ledger', 's3://Bad_Bucket/sox'], 's3://Bad_Bucket/sox: "Bad_Bucket" is not an S3 bucket name']
  ])('usage %j: exit 2, one line', async (args, message) => {
    const { fake } = await start()
    const r = await cli(args, awsEnv(fake))
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toContain(`sox-gate: ${message}`)
  })
})

describe('sox-gate verify s3://…', () => {
  test('the stored bundle verifies; an object written over or deleted is named, and the locked original is what is verified', async () => {
    const { fake, client } = await start()
    const { r: run } = await storeRun(fake)
    expect(run.code).toBe(0)
    const url = `s3://evidence/${BUNDLE}`
    const intact = await cli(['verify', url], awsEnv(fake))
    expect(intact.stdout).toMatch(new RegExp(`^intact: ${url.replace(/[/.]/g, '\\$&')}: \\d+ files match manifest.json; re-performed decision ALLOW`, 'm'))
    expect(intact.code).toBe(0)
    // An attacker with s3:PutObject and s3:DeleteObject: a new version of decision.json (with its own right checksum), manifest.json deleted.
    await put(client, `${BUNDLE}decision.json`, fake.objects('evidence').get(`${BUNDLE}decision.json`)?.body.toString('utf8').replace(/allow/g, 'block') ?? '')
    await client.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: `${BUNDLE}manifest.json` }))
    const tampered = await cli(['verify', url], awsEnv(fake))
    expect(tampered.code).toBe(1)
    expect(tampered.stdout.split('\n').filter((l) => !/^[a-z -]+: (ok|failed|not checked)/.test(l))).toEqual([
      'stored: decision.json: written over 1 time after it was stored; its first version is the one checked',
      'stored: manifest.json: hidden by 1 delete marker; its first version is the one checked',
      `NOT INTACT: 2 findings in ${url}`,
      ''
    ])
  })

  test('a bundle put under a run of its own that the ledger does not record, or records with another manifest: named', async () => {
    const { fake, client } = await start()
    await storeRun(fake)
    // Someone with s3:PutObject copies a real bundle to a run that never stored it.
    const copy = `sox/acme/ledger-service/${SHA}/778-1/`
    for (const [key, v] of fake.objects('evidence')) if (key.startsWith(BUNDLE)) await put(client, copy + key.slice(BUNDLE.length), v.body.toString('utf8'))
    const url = `s3://evidence/${copy}`
    const unrecorded = await cli(['verify', url], awsEnv(fake))
    expect(unrecorded.code).toBe(1)
    expect(unrecorded.stdout.split('\n').slice(-3)).toEqual([`stored: no ledger entry records this run (778-1 of ${SHA})`, `NOT INTACT: 1 finding in ${url}`, ''])
    // …and appends an entry for it, chained, with a manifest hash of its own.
    const first = fake.objects('evidence').get(`${LEDGER}${name(1)}.json`)?.body as Buffer
    const forged = JSON.stringify({ sequence: 2, previous: sha256(first), manifestSha256: sha256('another manifest'), decision: 'allow', sha: SHA, run: { id: '778', attempt: '1' } })
    await put(client, `${LEDGER}${name(2)}.json`, forged)
    const manifest = fake.objects('evidence').get(`${copy}manifest.json`)?.body as Buffer
    const mismatched = await cli(['verify', url], awsEnv(fake))
    expect(mismatched.code).toBe(1)
    expect(mismatched.stdout).toContain(`stored: ledger entry 000000000002 records manifest sha256 ${sha256('another manifest')}, but the stored manifest.json hashes to ${sha256(manifest)}\n`)
  })

  test('bytes changed under the API (the stored checksum no longer matches): exit 1, naming the object', async () => {
    const { fake } = await start()
    await storeRun(fake)
    const original = fake.objects('evidence').get(`${BUNDLE}report.html`)?.body as Buffer
    fake.corrupt('evidence', `${BUNDLE}report.html`, Buffer.concat([original, Buffer.from('<!-- -->')]))
    const r = await cli(['verify', `s3://evidence/${BUNDLE}`], awsEnv(fake))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('stored: report.html: its bytes do not match the checksum the store kept\n')
    expect(r.stdout).toMatch(/^changed: report\.html /m)
  })

  test('nothing stored under the prefix: exit 1', async () => {
    const { fake } = await start()
    const r = await cli(['verify', `s3://evidence/sox/acme/ledger-service/${SHA}/1-1/`], awsEnv(fake))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`stored: nothing is stored under sox/acme/ledger-service/${SHA}/1-1/`)
  })

  test('an unreachable store: exit 2, one line, nothing claimed', async () => {
    const { fake } = await start()
    const env = { ...awsEnv(fake), AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' }
    const r = await cli(['verify', `s3://evidence/${BUNDLE}`], env)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    // The last line; on Node < 22 the SDK's own NodeVersionSupportWarning comes before it.
    expect(r.stderr).toMatch(/(^|\n)s3:\/\/evidence\/\S+ cannot read the evidence store: ListObjectVersions s3:\/\/evidence\/\S+: connect ECONNREFUSED 127\.0\.0\.1:9\n$/)
  })
})

describe('the fake S3 answers as S3 documents', () => {
  test('a wrong x-amz-checksum-sha256 is BadDigest; a lock without a checksum is InvalidRequest; a locked version cannot be deleted', async () => {
    const { fake, client } = await start()
    await expect(client.send(new PutObjectCommand({ Bucket: 'evidence', Key: 'a', Body: 'x', ChecksumSHA256: sha256('y', 'base64') }))).rejects.toMatchObject({ name: 'BadDigest' })
    await put(client, 'b', 'locked')
    const versionId = fake.versions('evidence', 'b')[0]?.versionId
    await expect(client.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: 'b', VersionId: versionId }))).rejects.toMatchObject({ name: 'AccessDenied' })
    await expect(client.send(new PutObjectCommand({ Bucket: 'evidence', Key: 'b', Body: 'again', IfNoneMatch: '*', ChecksumSHA256: sha256('again', 'base64') }))).rejects.toMatchObject({ name: 'PreconditionFailed' })
    const raw = await fetch(`${fake.url}/evidence/c`, { method: 'PUT', body: 'x', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x', 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': new Date(Date.now() + 60_000).toISOString() } })
    expect([raw.status, /<Code>InvalidRequest<\/Code>/.test(await raw.text())]).toEqual([400, true])
  })
})
