/**
 * When the extension's code started running: `src/extension.ts` imports this module first, so in the
 * bundle it is evaluated before every other module of ours (library code is evaluated lazily or
 * after it). Used to report activation time including module loading.
 */
export const LOAD_START = performance.now();
