/** Formatting of the drift view: the one shared implementation (`src/protocol/format.ts`). */
export { formatDuration, formatNumber, formatPercent } from '../../src/protocol/format';
