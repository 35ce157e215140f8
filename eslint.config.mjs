// ESLint flat config. Besides typescript-eslint's type-checked rules it enforces the layer table of
// DESIGN.md/STYLE.md: src/core imports neither the CLI nor the extension layer nor webviews; src/protocol
// imports only types, plus its own pure modules (e.g. protocol/format.ts, shared by every layer); src/cli
// imports core and protocol, never the extension layer; webviews import only src/protocol and webviews/shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [
    {
      name: 'vscode',
      message: 'This layer runs without VS Code (CLI, tests): keep vscode imports in the extension layer.',
    },
  ],
  patterns: [
    {
      group: ['**/extension', '**/features/**', '**/vscode/**', '**/webview/**'],
      message: 'Core layers must not import the extension layer.',
    },
  ],
};

/** Core and CLI: no `vscode`, no extension layer; core additionally never imports the CLI or webviews. */
const coreImports = {
  paths: noVscode.paths,
  patterns: [
    ...noVscode.patterns,
    {
      group: ['**/cli/**', '**/cli'],
      message: 'src/core must not import the CLI: the CLI is a front over core.',
    },
    {
      group: ['**/webviews/**'],
      message: 'src/core must not import browser code: webviews render what core builds.',
    },
  ],
};

/**
 * The build and tool scripts, plain JavaScript with JSDoc types, linted with the same type-checked rules
 * through tsconfig.scripts.json (which `npm run typecheck` also checks with `checkJs`).
 */
const buildScripts = ['esbuild.js', 'scripts/**/*.mjs', 'scripts/**/*.js', 'bench/run.mjs'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test-results/**',
      'test/fixtures/**',
      'examples/**',
      '**/*.js',
      '**/*.mjs',
      '!eslint.config.mjs',
      ...buildScripts.map((pattern) => `!${pattern}`),
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      curly: 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
    },
  },
  {
    files: ['src/cli/**'],
    rules: { 'no-restricted-imports': ['error', noVscode] },
  },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', coreImports] },
  },
  {
    // The protocol is shared with the browser bundles: types from anywhere, runtime code only from its
    // own pure modules (same folder), so a webview importing it never pulls in node or vscode.
    files: ['src/protocol/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              allowTypeImports: true,
              message:
                'src/protocol imports only types (import type), or pure modules of src/protocol itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webviews/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [
            {
              group: [
                '**/src/core/**',
                '**/src/cli/**',
                '**/src/features/**',
                '**/src/vscode/**',
                '**/src/webview/**',
                '**/src/extension*',
              ],
              message: 'Webviews talk only the protocol in src/protocol (and share code in webviews/shared).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // node:test's describe/it return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
              package: 'node:test',
            },
          ],
        },
      ],
    },
  },
  {
    files: buildScripts,
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './tsconfig.scripts.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Undefined names are the type checker's job (checkJs), which knows Node's globals.
      'no-undef': 'off',
    },
  },
  {
    // CommonJS: the canonical esbuild.js shape, and the import.meta.url shim injected into CJS bundles.
    files: ['esbuild.js', 'scripts/importMetaUrl.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
