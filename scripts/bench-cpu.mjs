// Preloaded into the measured process beside bench-rss.mjs: reports the CPU time of every thread
// of the process when it exits (user + system), which a busy machine distorts less than wall time.
process.on('exit', () => {
  const u = process.resourceUsage()
  process.stderr.write(`\nBENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`)
})
