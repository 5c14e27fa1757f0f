// Type-aware lint (`npm run lint`, part of `npm test` and .ci/run): typescript-eslint's
// recommendedTypeChecked over every TypeScript file tsconfig.json covers. Each rule turned off or
// narrowed below says why; prefer fixing the code to adding a line here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', 'demo-output/**', 'docs/api/**', 'bench/output/**', 'examples/output/**', '.tmp*/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters already report these (with the same `_` convention).
      '@typescript-eslint/no-unused-vars': 'off',
      // tfjs's ops are generic in the rank and take it from an assertion (`tf.zeros(shape) as
      // tf.Tensor4D`): the house idiom, kept instead of `tf.zeros<tf.Rank.R4>(shape)`.
      '@typescript-eslint/no-unnecessary-type-assertion': [
        'error',
        { typesToIgnore: ['tf.Tensor', 'tf.Tensor1D', 'tf.Tensor2D', 'tf.Tensor3D', 'tf.Tensor4D', 'tf.Tensor5D', 'tf.Scalar'] },
      ],
    },
  },
  {
    // Tests write `async` on purpose without awaiting: to implement Promise-returning interfaces
    // (`tf.io.withSaveHandler(async (a) => …)`, fake gradient workers, async generators of test sets)
    // and to turn a synchronous throw into a rejection (`async () => decodeBmp(…)`).
    // The library does the same where a public method must return a promise: `create`, `load`,
    // tfjs IO callbacks (`weightUrlConverter`, an in-memory `load`).
    files: ['test/**/*.ts', 'src/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // This file is plain JavaScript outside tsconfig.json: lint it without type information.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
