import { charClass, runEnd, secretSpan, type Scan, type Span } from './mask-chars.js'

const KEY_START = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY[A-Z ]{0,20}-----|PuTTY-User-Key-File-\d{1,3}:/g
const KEY_END = /-----END [A-Z0-9 ]{0,60}-----/y
const PUTTY_LAST = /[ \t]*Private-MAC:/y
const BASE64 = charClass('A-Za-z0-9+/=')
const HEADER_NAME = charClass('A-Za-z0-9-')

/** Past blanks and line breaks written as `\n` or `\r` (a key flattened into one line of a log or variable). */
function skipFlatSeparators(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 9) i++
    else if (c === 92 && (text[i + 1] === 'n' || text[i + 1] === 'r')) i += 2
    else return i
  }
}

/** True when text[from, to) is a line a key block holds: empty, base64, or a header (`Proc-Type: …`, `Private-Lines: 14`). */
function isKeyLine(text: string, from: number, to: number): boolean {
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9 || text.charCodeAt(to - 1) === 13)) to--
  if (from === to || runEnd(text, from, BASE64) >= to) return true
  const c = text.charCodeAt(from)
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false
  const colon = runEnd(text, from, HEADER_NAME)
  if (colon >= to || text[colon] !== ':') return false
  for (let i = colon + 1; i < to; i++) {
    const d = text[i]
    if (d === '<' || d === '>' || d === '&' || d === '"') return false
  }
  return true
}

/**
 * PEM, OpenSSH, PGP and PuTTY private keys: from the start marker through the END marker (or
 * PuTTY's Private-MAC line), over lines that look like a key's. A line that does not (a TAP
 * result, an XML tag) ends an unterminated block there, so a key never swallows what follows.
 */
export function keyBlocks(text: string, final: boolean): Scan {
  const spans: Span[] = []
  if (text.indexOf('-----BEGIN') < 0 && text.indexOf('PuTTY-User-Key-File-') < 0) return { spans }
  KEY_START.lastIndex = 0
  for (let m = KEY_START.exec(text); m; m = KEY_START.exec(text)) {
    const putty = m[0].startsWith('PuTTY')
    let i = m.index + m[0].length
    if (putty) i = lineEnd(text, i)
    else {
      // The rest of the BEGIN line: base64 words, maybe the END marker of a key flattened onto one line.
      let inline = false
      for (let j = skipFlatSeparators(text, i); !inline; j = skipFlatSeparators(text, i)) {
        KEY_END.lastIndex = j
        inline = KEY_END.test(text)
        if (inline) i = KEY_END.lastIndex
        else if (runEnd(text, j, BASE64) > j) i = runEnd(text, j, BASE64)
        else break
      }
      if (inline) {
        spans.push(secretSpan(m.index, i, 'private-key'))
        KEY_START.lastIndex = i
        continue
      }
      if (text.charCodeAt(i) === 13) i++
    }
    let end = i
    let closed = false
    while (!closed && end < text.length && text.charCodeAt(end) === 10) {
      const next = end + 1
      const stop = lineEnd(text, next)
      if (!putty) {
        KEY_END.lastIndex = skipFlatSeparators(text, next)
        if (KEY_END.test(text)) {
          end = KEY_END.lastIndex
          closed = true
          break
        }
      }
      if (!isKeyLine(text, next, stop)) break
      if (putty) {
        PUTTY_LAST.lastIndex = next
        closed = PUTTY_LAST.test(text)
      }
      end = stop
    }
    // Still open at the end of what has arrived so far: the next text may continue it.
    if (!closed && !final && end >= lineStartOfLast(text)) return { spans, openFrom: m.index }
    spans.push(secretSpan(m.index, end, 'private-key'))
    KEY_START.lastIndex = Math.max(end, m.index + 1)
  }
  return { spans }
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from)
  return nl < 0 ? text.length : nl
}

function lineStartOfLast(text: string): number {
  return text.lastIndexOf('\n') + 1
}
