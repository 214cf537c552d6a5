import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './corpus.js'

/** A fenced code block of a Markdown file, as a reader copies it. */
export interface DocBlock {
  /** The fence's info string: `json`, `sh`, `console`, '' … */
  lang: string
  text: string
  /** 1-based line of the opening fence, for messages. */
  line: number
}

/** Every fenced block of a Markdown file of the repository (path relative to the root), in order. */
export function docBlocks(file: string): DocBlock[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] as string)
    if (!open) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string)
    blocks.push({ lang: open[1] as string, text: body.join('\n') + '\n', line: start + 1 })
  }
  return blocks
}

/** One `$ command` of a console block, with the exit code its `# exit N` comment gives (0 without one) and the output shown under it. */
export interface Session {
  command: string
  args: string[]
  exit: number
  output: string[]
  line: number
}

/**
 * A console block's commands. Each starts with `$ sox-gate ` (as `npx sox-gate` or an installed
 * one runs); arguments are split as a shell would for plain words and single-quoted ones.
 */
export function sessions(block: DocBlock): Session[] {
  const out: Session[] = []
  for (const [i, line] of block.text.replace(/\n$/, '').split('\n').entries()) {
    const command = /^\$ (.*?)(?:\s+# exit (\d+))?$/.exec(line)
    if (command) {
      const text = command[1] as string
      out.push({ command: text, args: shellWords(text), exit: Number(command[2] ?? 0), output: [], line: block.line + 1 + i })
    } else if (out.length > 0) (out[out.length - 1] as Session).output.push(line)
    else throw new Error(`line ${block.line + 1 + i}: a console block must start with "$ command"`)
  }
  return out
}

function shellWords(text: string): string[] {
  const words: string[] = []
  for (const m of text.matchAll(/'([^']*)'|(\S+)/g)) words.push(m[1] ?? (m[2] as string))
  return words
}

/**
 * Whether what a command printed is what the documentation shows: line by line, where `…` in a
 * shown line stands for any text within that line, and a line that is only `…` for any number of
 * lines (output the documentation abbreviates). Returns the first line that differs, or undefined.
 */
export function differsFromShown(actual: string, shown: readonly string[]): string | undefined {
  const got = actual.replace(/\n$/, '').split('\n')
  const pattern = (s: string): RegExp => new RegExp(`^${s.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
  const match = (gi: number, si: number): boolean => {
    if (si === shown.length) return gi === got.length
    if (shown[si] === '…') {
      for (let k = gi; k <= got.length; k++) if (match(k, si + 1)) return true
      return false
    }
    return gi < got.length && pattern(shown[si] as string).test(got[gi] as string) && match(gi + 1, si + 1)
  }
  if (match(0, 0)) return undefined
  // The first shown line that has no counterpart, for a readable failure.
  let gi = 0
  for (const s of shown) {
    if (s === '…') continue
    const at = got.findIndex((g, k) => k >= gi && pattern(s).test(g))
    if (at < 0) return `shown "${s}" is not printed (printed:\n${actual})`
    gi = at + 1
  }
  return `the printed lines differ in number or order from those shown (printed:\n${actual})`
}
