import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The layering of STYLE.md ("The shape"), one rule per layer: what each may not import.
const layer = (names, message) => ({
  group: names.flatMap((n) => [`**/${n}/**`, `../${n}/*`, `./${n}/*`]),
  message,
})
const actionsOnlyWhereAllowed = {
  group: ['@actions/*', '!@actions/glob'],
  message:
    'Only src/runtime, src/forges/github and asset discovery (@actions/glob) may use @actions/*.',
}
const layers = [
  {
    files: ['src/settings/**', 'src/plan/**', 'src/assets/**'],
    patterns: [
      actionsOnlyWhereAllowed,
      layer(
        ['runtime', 'forges', 'http', 'engine'],
        'settings, plan and assets are pure: no runtime, forge, http or engine.',
      ),
    ],
  },
  {
    files: ['src/forges/**'],
    ignores: ['src/forges/github/**'],
    patterns: [
      {
        group: ['@actions/*'],
        message: 'Only src/runtime and src/forges/github may use @actions/*.',
      },
      layer(
        ['settings', 'runtime', 'engine', 'signing'],
        'Adapters get a plan, never inputs, a runtime, the engine or the signing client.',
      ),
    ],
  },
  {
    files: ['src/forges/github/**'],
    patterns: [
      layer(
        ['settings', 'runtime', 'engine', 'signing'],
        'Adapters get a plan, never inputs, a runtime, the engine or the signing client.',
      ),
    ],
  },
  {
    files: ['src/signing/**'],
    patterns: [
      {
        group: ['@actions/*'],
        message: 'Only src/runtime and src/forges/github may use @actions/*.',
      },
      layer(
        ['forges', 'settings', 'runtime', 'engine', 'plan'],
        'The signing client gets bytes and a transport: no forge, inputs, runtime or engine.',
      ),
    ],
  },
  {
    files: ['src/http/**'],
    patterns: [
      {
        group: ['@actions/*'],
        message: 'Only src/runtime and src/forges/github may use @actions/*.',
      },
      layer(
        ['forges', 'settings', 'runtime', 'engine', 'plan'],
        'The transport names no forge and knows no inputs.',
      ),
    ],
  },
  {
    files: ['src/engine/**'],
    patterns: [
      {
        group: ['@actions/*'],
        message: 'Only src/runtime and src/forges/github may use @actions/*.',
      },
      layer(
        ['runtime', 'forges/*/**'],
        'The engine speaks to forges through forge.ts only, and to no runtime.',
      ),
    ],
  },
]

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      '.demo/**',
      '.bench/**',
      '*.config.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  ...layers.map(({ patterns, ...where }) => ({
    ...where,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    files: ['src/evidence/**', 'src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message: 'Only src/runtime and src/forges/github may use @actions/*.',
            },
          ],
        },
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
