/** How long a failure message may be once masked: enough for "expected … but was …", small enough for 1,000s of failures. */
export const FAILURE_MESSAGE_LIMIT = 500

/**
 * A failure message as every surface shows it: its first non-blank line, cut to
 * FAILURE_MESSAGE_LIMIT characters. Given masked text (SPEC §7) and cut only after masking, so a
 * secret is never cut in half where its pattern no longer matches. Undefined when nothing is left.
 */
export function boundMessage(message: string | undefined): string | undefined {
  if (message === undefined) return undefined
  const trimmed = message.trim()
  if (!trimmed) return undefined
  const end = trimmed.search(/\r?\n/)
  const line = (end < 0 ? trimmed : trimmed.slice(0, end)).trimEnd()
  if (line.length <= FAILURE_MESSAGE_LIMIT) return line
  // Never split a surrogate pair: a lone half is not valid text in CSV, HTML or JSON for every reader.
  let cut = FAILURE_MESSAGE_LIMIT - 1
  const code = line.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut--
  return line.slice(0, cut) + '…'
}
