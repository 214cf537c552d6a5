import { createHash, createHmac, generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler, type HandlerFn } from '@sigstore/mock'
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs'

/** The claims GitHub's OIDC provider puts in a job's token (the ones Fulcio turns into certificate extensions). */
export const JOB_CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:acme/ledger:ref:refs/heads/main',
  aud: 'sigstore',
  ref: 'refs/heads/main',
  sha: '1111111111111111111111111111111111111111',
  repository: 'acme/ledger',
  repository_owner: 'acme',
  repository_id: '101',
  repository_owner_id: '100',
  run_id: '4242',
  run_attempt: '1',
  event_name: 'push',
  workflow: 'sox',
  workflow_ref: 'acme/ledger/.github/workflows/sox.yml@refs/heads/main',
  job_workflow_ref: 'acme/ledger/.github/workflows/sox.yml@refs/heads/main',
  runner_environment: 'github-hosted'
}

export interface FakeSigstore {
  url: string
  /** As the runner sets them for a job with `id-token: write`, plus the instance to sign with. */
  env: Record<string, string>
  /** trusted_root.json for this instance's CA, CT log, transparency log and TSA. */
  trustedRoot: string
  /** Requests seen, by path (the OIDC token request included). */
  seen: string[]
  close(): Promise<void>
}

/**
 * Rekor does not log a proposed dsse entry as sent: it stores the envelope's and payload's hashes
 * and each signature with its verifier (rekor pkg/types/dsse/v0.0.1). @sigstore/mock logs the
 * proposal verbatim, so the stand-in does that canonicalization first, as the real service does.
 */
function asRekorStoresIt(body: string): string {
  const entry = JSON.parse(body) as { kind?: string; apiVersion?: string; spec?: { proposedContent?: { envelope: string; verifiers: string[] } } }
  const proposed = entry.kind === 'dsse' ? entry.spec?.proposedContent : undefined
  if (!proposed) return body
  const envelope = JSON.parse(proposed.envelope) as { payload: string; signatures: { sig: string }[] }
  const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
  return JSON.stringify({
    apiVersion: entry.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: hex(proposed.envelope) },
      payloadHash: { algorithm: 'sha256', value: hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s, i) => ({ signature: s.sig, verifier: proposed.verifiers[i] }))
    }
  })
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url')

/**
 * One server on 127.0.0.1 speaking four real protocols: the runner's OIDC token endpoint
 * (GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with the request token as bearer → {value}),
 * Fulcio (POST /api/v2/signingCert), Rekor (POST /api/v1/log/entries) and an RFC 3161 timestamp
 * authority (POST /api/v1/timestamp), the last three from @sigstore/mock.
 */
export async function startFakeSigstore(dir: string, options: { tsa?: boolean; rekor?: boolean } = {}): Promise<FakeSigstore> {
  const requestToken = 'runner-request-token-' + createHash('sha256').update(dir).digest('hex').slice(0, 12)
  const seen: string[] = []
  const handlers = new Map<string, HandlerFn>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      seen.push(url.pathname)
      if (req.method === 'GET' && url.pathname === '/_apis/oidc/token') {
        if (req.headers.authorization !== `Bearer ${requestToken}`) return void res.writeHead(401).end()
        const now = Math.floor(Date.now() / 1000)
        const claims = { ...JOB_CLAIMS, aud: url.searchParams.get('audience') ?? 'nobody', iat: now, nbf: now, exp: now + 300 }
        const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ count: 1, value: `${head}.${createHmac('sha256', 'oidc').update(head).digest('base64url')}` }))
      }
      const handler = req.method === 'POST' ? handlers.get(url.pathname) : undefined
      if (!handler) return void res.writeHead(404).end()
      const body = Buffer.concat(chunks).toString('utf8')
      handler(url.pathname === '/api/v1/log/entries' ? asRekorStoresIt(body) : body).then(
        (r) => {
          res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'application/json' })
          res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength))
        },
        (e: Error) => res.writeHead(500).end(e.message)
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const keys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const ctlog = await initializeCTLog(keys())
  const ca = await initializeCA(keys(), ctlog)
  const tlog = await initializeTLog(url, keys())
  const tsa = await initializeTSA(keys())
  // The mock writes genTime with asn1js, which drops a fraction's trailing zeros (".12Z", as DER
  // wants), while @sigstore/core reads exactly three digits: one run in ten failed on "invalid
  // time". Keep the stand-in's milliseconds off a multiple of ten (at most 1 ms later).
  const tsaClock = tsa as unknown as { getCurrentTime: () => Date }
  tsaClock.getCurrentTime = () => {
    const now = new Date()
    if (now.getUTCMilliseconds() % 10 === 0) now.setUTCMilliseconds(now.getUTCMilliseconds() + 1)
    return now
  }
  for (const h of [fulcioHandler(ca), ...(options.rekor === false ? [] : [rekorHandler(tlog)]), ...(options.tsa === false ? [] : [tsaHandler(tsa)])]) handlers.set(h.path, h.fn)

  const since = new Date(Date.now() - 60_000)
  const raw = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  const key = (publicKey: Buffer) => ({ rawBytes: publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start: since } })
  const root = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: url, hashAlgorithm: HashAlgorithm.SHA2_256, publicKey: key(tlog.publicKey), logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() } }],
    certificateAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: url, certChain: { certificates: [{ rawBytes: raw(ca.rootCertificate) }] }, validFor: { start: since } }],
    ctlogs: [{ baseUrl: url, hashAlgorithm: HashAlgorithm.SHA2_256, publicKey: key(ctlog.publicKey), logId: { keyId: raw(ctlog.logID) } }],
    timestampAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: url, certChain: { certificates: [{ rawBytes: raw(tsa.intCertificate) }, { rawBytes: raw(tsa.rootCertificate) }] }, validFor: { start: since } }]
  } as unknown as TrustedRoot)
  const trustedRoot = `${dir}/trusted_root.json`
  writeFileSync(trustedRoot, JSON.stringify(root, null, 2))
  return {
    url,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_apis/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      SOX_GATE_FULCIO_URL: url,
      ...(options.rekor === false ? {} : { SOX_GATE_REKOR_URL: url }),
      ...(options.tsa === false ? {} : { SOX_GATE_TSA_URL: url })
    },
    trustedRoot,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
