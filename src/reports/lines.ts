/** Text chunks → lines (without their line end), each with its 1-based number; `ended` is false for a last line with no line end. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number; ended: boolean }> {
  let pending = ''
  let line = 0
  for await (const chunk of chunks) {
    pending += chunk
    let start = 0
    for (let nl = pending.indexOf('\n', start); nl >= 0; nl = pending.indexOf('\n', start)) {
      yield { text: pending.slice(start, nl > start && pending[nl - 1] === '\r' ? nl - 1 : nl), line: ++line, ended: true }
      start = nl + 1
    }
    pending = pending.slice(start)
  }
  if (pending) yield { text: pending.replace(/\r$/, ''), line: line + 1, ended: false }
}
