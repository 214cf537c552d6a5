import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import type { ActionRun } from './action.js'
import { PR_HEAD, runActionInPullRequest } from './gate-run.js'
import { ROOT } from './corpus.js'
import { startFakeS3, type FakeS3, type FakeS3Options } from './fake-s3.js'
import { workspace } from './run.js'

export const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
export const PASSING = '<testsuite name="posting"><testcase name="balances [CM-01]"/><testcase name="rounds half even [CM-01]"/></testsuite>'
/** The evaluated commit (the pull request's head): the store and the ledger name it, not GITHUB_SHA (a test merge). */
export const SHA = PR_HEAD
const GITHUB_SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
/** Where the run below keeps its bundle: PREFIX/OWNER/REPO/SHA/RUN_ID-ATTEMPT/. */
export const BUNDLE = `sox/acme/ledger-service/${SHA}/777-2/`

/** Buckets of every kind the tests need; ListObjectsV2 pages of 2 keys, so pagination is always exercised. */
export function fakeS3(options: Partial<FakeS3Options> = {}): Promise<FakeS3> {
  return startFakeS3({ buckets: { evidence: 'enabled', 'no-lock': 'disabled', 'says-yes': 'ignored', 'short-lock': 'shortened', 'governance-lock': 'governance' }, pageSize: 2, ...options })
}

/** The standard AWS environment variables, pointing the real SDK at the local server. */
export function awsEnv(fake: FakeS3): NodeJS.ProcessEnv {
  return { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: fake.url, AWS_EC2_METADATA_DISABLED: 'true' }
}

export function runnerEnv(fake: FakeS3, runId = '777'): NodeJS.ProcessEnv {
  return { ...awsEnv(fake), GITHUB_REPOSITORY: 'acme/ledger-service', GITHUB_SHA, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '2', GITHUB_SERVER_URL: 'https://github.com' }
}

/** One action run that keeps its bundle in the fake store (no artifact upload). */
export async function storeRun(fake: FakeS3, inputs: Record<string, string> = {}, runId = '777', files: Record<string, string> = {}): Promise<{ r: ActionRun; dir: string }> {
  const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING, ...files })
  const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false', 'evidence-store': 's3://evidence/sox', ...inputs }, runnerEnv(fake, runId))
  return { r, dir }
}

/** The CLI as a user runs it, asynchronously so that the in-process S3 can answer. */
export async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  return { code, stdout, stderr }
}

/** A real AWS client on the fake, for what a user (or an attacker with s3:PutObject) would do by hand. */
export function s3Client(fake: FakeS3): S3Client {
  const env = awsEnv(fake)
  return new S3Client({ endpoint: fake.url, forcePathStyle: true, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string } })
}

export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
}

export const sha256 = (b: Buffer | string, enc: 'hex' | 'base64' = 'hex'): string => createHash('sha256').update(b).digest(enc)
