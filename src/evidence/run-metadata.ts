/** Who ran the gate, where and on what: read from the Actions environment (null outside it). */
export interface RunMetadata {
  repository: string | null
  sha: string | null
  ref: string | null
  workflow: string | null
  runId: string | null
  runAttempt: string | null
  actor: string | null
  event: string | null
  serverUrl: string | null
}

export function runMetadata(env: NodeJS.ProcessEnv): RunMetadata {
  const v = (name: string): string | null => env[name] || null
  return {
    repository: v('GITHUB_REPOSITORY'),
    sha: v('GITHUB_SHA'),
    ref: v('GITHUB_REF'),
    workflow: v('GITHUB_WORKFLOW'),
    runId: v('GITHUB_RUN_ID'),
    runAttempt: v('GITHUB_RUN_ATTEMPT'),
    actor: v('GITHUB_ACTOR'),
    event: v('GITHUB_EVENT_NAME'),
    serverUrl: v('GITHUB_SERVER_URL')
  }
}
