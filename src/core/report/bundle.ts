/**
 * Finds and loads the report's browser bundle (`dist/webviews/report.js`, built by `npm run build` from
 * `webviews/report/main.ts`), which every standalone HTML report inlines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scriptForInline } from './html';

const BUNDLE = join('webviews', 'report.js');

/**
 * Where the bundle is looked for: next to the running bundle (`dist/` when this code runs as
 * `dist/cli.js`, `dist/extension.js` or `dist/driftJob.js`), then `dist/` of the enclosing project when it
 * runs from sources (tsx, tests).
 */
export function reportBundleCandidates(here: string = __dirname): string[] {
  const candidates = [join(here, BUNDLE)];
  let dir = resolve(here);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'webviews'))) {
      candidates.push(join(dir, 'dist', BUNDLE));
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  return candidates;
}

/** The bundle's source, made safe to inline, with its licence notices in place of the external links. */
export interface ReportBundle {
  path: string;
  script: string;
}

/**
 * Reads the bundle and prepares it for inlining: the source map link is dropped (a standalone file has no
 * map next to it), the pointer to `report.js.LEGAL.txt` is replaced by that file's text (licence notices
 * of bundled libraries travel with the report) and `</script`/`<!--` are neutralised.
 *
 * @param path an explicit bundle file; default: the first of {@link reportBundleCandidates} that exists.
 * @throws Error naming the places looked at and telling to run `npm run build` when no bundle exists.
 */
export function loadReportBundle(path?: string): ReportBundle {
  const candidates = path !== undefined ? [path] : reportBundleCandidates();
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(
      `The HTML report needs its browser script, which was not found at ${candidates.join(' or ')}. ` +
        'Run "npm run build" in the Experiment Lens folder to build it.',
    );
  }
  let source = readFileSync(found, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const legalFile = `${found}.LEGAL.txt`;
  const legal = existsSync(legalFile) ? readFileSync(legalFile, 'utf8') : '';
  source = source.replace(/\/\*! For license information please see \S+ \*\//, () =>
    legal === '' ? '' : `/*! ${legal.replace(/\*\//g, '* /')} */`,
  );
  return { path: found, script: scriptForInline(source) };
}
