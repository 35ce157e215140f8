/**
 * `import source from './file?worker'` gives the script of a Web Worker: `file` bundled on its own (its
 * imports included) as the text of one classic script, started from a `blob:` URL (see
 * scripts/esbuildOptions.mjs, `workerSourcePlugin`).
 */
declare module '*?worker' {
  const source: string;
  export default source;
}
