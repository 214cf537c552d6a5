import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'examples/', '**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // The engine is pure: no runner toolkit, no network, no file system, no clock.
    files: ['src/engine/**/*.ts', 'src/controls/**/*.ts', 'src/reports/**/*.ts', 'src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*', '@octokit/*', 'fast-glob', 'node:http', 'node:https', 'node:fs', 'node:fs/promises', 'node:child_process'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'the engine gets its clock as a value' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'the engine gets its clock as a value' }]
    }
  }
)
