// ts-jest in ESM mode: sources are TypeScript ESM with ".js" import specifiers.
import os from 'node:os'

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // Most suites wait on the processes they start (the bundled CLI and action, servers): two test
  // files at a time keep both cores of a 2-core machine busy (npm test: 6m51s with jest's default of
  // one worker here, 3m58s with two); a bigger machine gets one per core.
  maxWorkers: Math.max(2, os.availableParallelism()),
  // The default reporter, and a list of the suites skipped for something missing on this machine.
  reporters: ['default', '<rootDir>/__tests__/helpers/skip-reporter.mjs']
}
