// @ts-check
// Injected into the CommonJS bundles so ESM libraries that read import.meta.url still work.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
