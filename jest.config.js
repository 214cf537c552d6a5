// ts-jest in ESM mode: sources are TypeScript ESM with ".js" import specifiers.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // The default reporter, and a list of the suites skipped for something missing on this machine.
  reporters: ['default', '<rootDir>/__tests__/helpers/skip-reporter.mjs']
}
