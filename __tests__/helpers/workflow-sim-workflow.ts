import { convertWorkflowTemplate, isMapping, isString, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import type { Access, Scope, TokenPermissions } from './fake-github-permissions.js'

// A workflow file as GitHub reads it: validated by GitHub's own parser (@actions/workflow-parser,
// the one behind the Actions editor), any error failing the simulation with its message; and the
// question GitHub asks of it for every event: does this workflow run?

export interface Workflow {
  /** `.github/workflows/ci.yml` */
  path: string
  /** `name:`, or the path when there is none (as GitHub shows it, and as workflow_run's `workflows:` names it). */
  name: string
  template: WorkflowTemplate
  /** The file's token tree, for what the converted template drops (permissions, a step's `with:`). */
  root: MappingToken
}

/** Parses and validates one workflow file; throws with every problem the parser reports. */
export async function parseWorkflowFile(path: string, text: string): Promise<Workflow> {
  const parsed = parseWorkflow({ name: path, content: text }, new NoOperationTraceWriter())
  const problems = parsed.context.errors.getErrors().map((e) => e.message)
  if (problems.length > 0 || !parsed.value) throw new Error(`invalid workflow ${path}:\n${problems.join('\n')}`)
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  const more = [...parsed.context.errors.getErrors().map((e) => e.message), ...(template.errors ?? []).map((e) => e.Message)]
  if (more.length > 0) throw new Error(`invalid workflow ${path}:\n${[...new Set(more)].join('\n')}`)
  const root = parsed.value as MappingToken
  const name = root.find('name')
  return { path, name: name && isString(name) ? name.value : path, template, root }
}

/** A key of a mapping token (undefined when absent, or when the token is no mapping). */
export function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token && isMapping(token) ? token.find(key) : undefined
}

/** The raw token of a job (`jobs.<id>`). */
export function jobToken(workflow: Workflow, jobId: string): TemplateToken | undefined {
  return child(child(workflow.root, 'jobs'), jobId)
}

/** GitHub's "restricted" default for a repository's GITHUB_TOKEN: contents and packages read (metadata always). */
export const RESTRICTED: TokenPermissions = { contents: 'read', packages: 'read' }
const ALL_SCOPES: Scope[] = ['actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'id-token', 'issues', 'models', 'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses']

/**
 * A job's token permissions: its own `permissions:`, else the workflow's, else the repository's
 * default. Naming any scope sets every scope not named to none; `read-all` and `write-all` set all
 * (id-token has no read: read-all leaves it none).
 */
export function jobPermissions(workflow: Workflow, jobId: string, repositoryDefault: TokenPermissions): TokenPermissions {
  const token = child(jobToken(workflow, jobId), 'permissions') ?? child(workflow.root, 'permissions')
  if (!token) return { ...repositoryDefault }
  if (isString(token)) {
    const all = token.value === 'write-all' ? 'write' : token.value === 'read-all' ? 'read' : 'none'
    return Object.fromEntries(ALL_SCOPES.map((s) => [s, s === 'id-token' && all === 'read' ? 'none' : all]))
  }
  const out: TokenPermissions = {}
  if (isMapping(token)) for (const pair of token) if (isString(pair.key) && isString(pair.value)) out[pair.key.value as Scope] = pair.value.value as Access
  return out
}

// --- Triggers ---

/** An event as the workflow's `on:` sees it. */
export interface TriggerEvent {
  name: string
  /** The activity type (payload `action`), for events that have them. */
  action?: string
  /** The branch the branch filters apply to: push: the pushed branch; pull_request*: the base; workflow_run: the triggering run's head branch. */
  branch?: string
  /** For push and pull_request*: the files changed (paths filters). */
  files?: string[]
  /** For workflow_run: the triggering run's workflow name. */
  workflowName?: string
}

/** GitHub's default activity types, where not every type triggers (events-that-trigger-workflows). */
const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened']
}

interface Filters {
  types?: string[]
  branches?: string[]
  'branches-ignore'?: string[]
  paths?: string[]
  'paths-ignore'?: string[]
  workflows?: string[]
}

/** Whether the workflow runs for this event, as GitHub decides it from `on:`. */
export function triggers(workflow: Workflow, event: TriggerEvent): boolean {
  const events = workflow.template.events as Record<string, Filters | undefined>
  if (!(event.name in events)) return false
  const f = events[event.name] ?? {}
  const types = f.types ?? DEFAULT_TYPES[event.name]
  if (types && event.action !== undefined && !types.includes(event.action)) return false
  if (event.name === 'workflow_run' && !(f.workflows ?? []).includes(event.workflowName ?? '')) return false
  if (f.branches && !matchesFilter(f.branches, event.branch ?? '')) return false
  if (f['branches-ignore'] && matchesFilter(f['branches-ignore'], event.branch ?? '')) return false
  if (event.files) {
    if (f.paths && !event.files.some((file) => matchesFilter(f.paths as string[], file))) return false
    if (f['paths-ignore'] && event.files.every((file) => matchesFilter(f['paths-ignore'] as string[], file))) return false
  }
  return true
}

/**
 * GitHub's filter patterns (workflow syntax, "Filter pattern cheat sheet"): `*` any characters but
 * `/`, `**` any characters, `?` zero or one of the preceding character, `+` one or more of it, `[]`
 * a class, `\` escapes, and a leading `!` excluding what earlier patterns matched (order matters).
 */
export function matchesFilter(patterns: string[], value: string): boolean {
  let matched = false
  for (const p of patterns) {
    const negated = p.startsWith('!')
    if (filterRegex(negated ? p.slice(1) : p).test(value)) matched = !negated
  }
  return matched
}

function filterRegex(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*'
        i++
      } else re += '[^/]*'
    } else if (c === '?' || c === '+') re += c
    else if (c === '[') {
      const end = pattern.indexOf(']', i)
      re += end > i ? pattern.slice(i, end + 1) : '\\['
      i = end > i ? end : i
    } else if (c === '\\' && i + 1 < pattern.length) re += '\\' + (pattern[++i] as string)
    else re += c.replace(/[.^$|(){}]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
