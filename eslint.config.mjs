// ESLint flat config. Besides typescript-eslint's type-checked rules it enforces the layer table of
// DESIGN.md/STYLE.md: src/shared (pure formatting every layer uses) imports nothing outside itself;
// src/protocol imports only types, plus runtime code of its own modules and of src/shared; src/core imports
// neither the CLI nor the extension layer nor webviews; src/cli imports core, protocol and shared, never the
// extension layer; src/vscode and src/webview (thin wrappers, webview host base) never import src/features;
// a feature imports from another feature only its model modules (`*Model.ts`) and types, and shares
// everything else through the modules at the top of src/features (ids.ts, api.ts, registerCommand.ts...);
// webviews import only src/protocol, src/shared and webviews/shared.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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

/** The feature folders under src/features (each gets its own cross-feature import rule). */
const features = readdirSync(join(import.meta.dirname, 'src', 'features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Files of `feature` may import another feature's `*Model.ts` modules and, as `import type`, its types;
 * any other runtime import of another feature's internals is refused (imports from a file directly inside
 * src/features/<feature>/ start with `../<other>/`).
 */
const crossFeatureRule = (feature) => ({
  files: [`src/features/${feature}/**`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\.\\./(?!${feature}/|\\.\\.?/)[^/]+/(?![^/]*Model$)`,
            allowTypeImports: true,
            message:
              "A feature uses another feature's model modules (*Model.ts) and types only; move what two features " +
              'share to the top of src/features (e.g. runSelection.ts, runLabels.ts, treeItem.ts).',
          },
        ],
      },
    ],
  },
});

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
    // One job per file: a product file past this length is asking to be split (STYLE.md).
    files: ['src/**/*.ts', 'webviews/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 450 }] },
  },
  {
    // Names from data (metrics, params, tags, columns, categories) are keys of a Map or of a null-prototype
    // dictionary (src/shared/dict.ts, STYLE.md 14): on a plain `{}`, `__proto__` replaces the prototype and
    // an absent `constructor` reads Object's. An empty `{}` typed `Record<string, …>` is the usual start of
    // such a dictionary, so it is refused: use `dict()` (or a Map).
    files: ['src/**/*.ts', 'webviews/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'VariableDeclarator[id.typeAnnotation.typeAnnotation.typeName.name="Record"][init.type="ObjectExpression"][init.properties.length=0]',
          'PropertyDefinition[typeAnnotation.typeAnnotation.typeName.name="Record"][value.type="ObjectExpression"][value.properties.length=0]',
          'AssignmentPattern[left.typeAnnotation.typeAnnotation.typeName.name="Record"][right.type="ObjectExpression"][right.properties.length=0]',
        ].map((selector) => ({
          selector,
          message:
            'A Record keyed by names from data starts as dict() from src/shared/dict.ts (null prototype), not {}: ' +
            '`__proto__` and `constructor` are real metric and column names.',
        })),
      ],
    },
  },
  {
    // Pure code every layer uses, webviews included: no node, no DOM, no libraries, no other layer.
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'src/shared imports nothing outside itself (pure functions: no node, no DOM).',
            },
          ],
        },
      ],
    },
  },
  {
    // The protocol is shared with the browser bundles: types from anywhere, runtime code only from its
    // own pure modules (same folder) and src/shared, so a webview importing it never pulls in node or vscode.
    files: ['src/protocol/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./shared/)',
              allowTypeImports: true,
              message:
                'src/protocol imports only types (import type), or pure modules of src/protocol and src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // Thin wrappers over the VS Code API and the webview host base sit below the features.
    files: ['src/vscode/**', 'src/webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/features', '**/features/**', '**/extensionRoot', '**/extension'],
              message:
                'src/vscode and src/webview are used by the features, never the other way: pass what they need in.',
            },
          ],
        },
      ],
    },
  },
  ...features.map(crossFeatureRule),
  {
    files: ['webviews/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [
            {
              regex: '(^|/)src/(?!protocol/|shared/)',
              message:
                'Webviews talk only the protocol in src/protocol, use the pure code of src/shared, and share code in webviews/shared.',
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
