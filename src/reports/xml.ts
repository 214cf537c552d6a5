import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { ConfigError } from '../errors.js'

export interface XmlHandlers {
  /** An element opened; `line` is where its start tag began. */
  open(tag: SaxesTagPlain, line: number): void
  close(name: string): void
  text?(text: string): void
}

export interface XmlStream {
  /** Attach or detach the text handler: saxes does no text work at all while none is attached. */
  listenToText(on: boolean): void
}

/**
 * Streams XML through saxes for any report format: a DTD is refused (no external or custom
 * entity is ever resolved), errors carry the file, line and column, and the root element must be
 * one the format knows.
 */
export async function streamXml(chunks: AsyncIterable<string>, reportPath: string, roots: ReadonlySet<string>, formatName: string, makeHandlers: (stream: XmlStream) => XmlHandlers): Promise<void> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true })
  let depth = 0
  let sawRoot = false
  let tagStartLine = 1
  // Bound once, on first use: captures start and stop for every message.
  let onText: ((text: string) => void) | undefined
  const stream: XmlStream = {
    listenToText(on) {
      if (on && handlers.text) {
        onText ??= handlers.text.bind(handlers)
        parser.on('text', onText)
        parser.on('cdata', onText)
      } else {
        parser.off('text')
        parser.off('cdata')
      }
    }
  }
  const handlers = makeHandlers(stream)
  parser.on('error', (err) => {
    throw ConfigError.at(reportPath, err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, ''), parser.line, parser.column + 1)
  })
  parser.on('doctype', () => {
    throw ConfigError.at(reportPath, 'declares a DTD (<!DOCTYPE>): refused as unsafe, reports must not use DTDs or entities', parser.line)
  })
  parser.on('opentagstart', () => {
    // Fired after the character that ends the name; when that was a newline the tag began a line earlier.
    tagStartLine = parser.column === 0 ? parser.line - 1 : parser.line
  })
  parser.on('opentag', (tag) => {
    if (depth++ === 0) {
      if (!roots.has(tag.name)) throw ConfigError.at(reportPath, `root element <${tag.name}> is not a ${formatName} report (expected ${[...roots].map((r) => `<${r}>`).join(', ')})`, tagStartLine)
      sawRoot = true
    }
    handlers.open(tag, tagStartLine)
  })
  parser.on('closetag', (tag) => {
    depth--
    handlers.close(tag.name)
  })
  for await (const chunk of chunks) parser.write(chunk)
  parser.close()
  if (!sawRoot) throw ConfigError.at(reportPath, `no root element: not a ${formatName} report`)
}

/** Name of the first element in an XML head, skipping the declaration, comments and PIs. */
export function rootElementName(head: string): string | undefined {
  const re = /<(!--[\s\S]*?-->|\?[\s\S]*?\?>|!DOCTYPE|([A-Za-z_][\w.:-]*))/g
  let m: RegExpExecArray | null
  const start = head.search(/\S/)
  if (start < 0 || head[start] !== '<') return undefined
  re.lastIndex = start
  while ((m = re.exec(head)) !== null) {
    if (m[2] !== undefined) return m[2]
    if (m[1] === '!DOCTYPE') return '!DOCTYPE'
  }
  return undefined
}

/** First line of a message, trimmed and capped: enough to say why, never a whole log. */
export function firstLine(text: string | undefined, limit = 500): string | undefined {
  if (text === undefined) return undefined
  const trimmed = text.trim()
  if (!trimmed) return undefined
  const line = trimmed.split(/\r?\n/, 1)[0] as string
  return line.length > limit ? line.slice(0, limit) + '…' : line
}

/** A duration in seconds from a number-like attribute; undefined when absent, negative or not a number. */
export function seconds(value: string | number | undefined, scale = 1): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value) * scale
  return Number.isFinite(n) && n >= 0 ? n : undefined
}
