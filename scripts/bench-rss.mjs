// Preloaded into the measured process: reports its own peak resident set size and CPU time when it exits.
process.on('exit', () => {
  const usage = process.resourceUsage()
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${usage.maxRSS}\nBENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`)
})
