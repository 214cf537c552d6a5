/** Posts a journal entry: debits and credits must balance to the cent. */
function post(ledger, entry) {
  const cents = (lines, side) => lines.filter((l) => l.side === side).reduce((sum, l) => sum + Math.round(l.amount * 100), 0)
  if (entry.lines.length < 2) throw new Error('an entry needs at least two lines')
  if (cents(entry.lines, 'debit') !== cents(entry.lines, 'credit')) throw new Error('entry does not balance')
  if (ledger.closed.includes(entry.period)) throw new Error(`period ${entry.period} is closed`)
  ledger.entries.push(entry)
  return ledger
}

/** Closes a period: no entry may be posted to it afterwards. */
function close(ledger, period) {
  ledger.closed.push(period)
  return ledger
}

module.exports = { post, close }
