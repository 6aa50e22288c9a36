import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const pureLayers = ['src/settings/**', 'src/plan/**', 'src/assets/**']
const noRuntimeImports = {
  patterns: [
    {
      group: ['@actions/*'],
      message: 'Only src/runtime and src/forges/github may use @actions/*.',
    },
    { group: ['**/runtime/**', '../runtime/*'], message: 'Pure layers do not depend on a runtime.' },
    { group: ['**/forges/**', '../forges/*'], message: 'Pure layers do not depend on a forge.' },
  ],
}

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.demo/**', '.bench/**', '*.config.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: pureLayers, rules: { 'no-restricted-imports': ['error', noRuntimeImports] } },
  {
    files: ['src/forges/**', 'src/http/**', 'src/evidence/**', 'src/main.ts'],
    ignores: ['src/forges/github/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@actions/*'], message: 'Only src/runtime and src/forges/github may use @actions/*.' }] },
      ],
    },
  },
  {
    files: ['__tests__/**', 'scripts/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
)
