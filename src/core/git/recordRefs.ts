/**
 * The refs under which shared run records live: `refs/xlens/records/<id>`, beside the code snapshots
 * `refs/xlens/runs/<id>` (see `core/share`).
 */
import { findRepositoryRoot, gitAt } from './gitContext';

/** The ref namespace of run records. */
export const RECORD_REF_PREFIX = 'refs/xlens/records/';

/** The ref holding the shared record of run `runId`. */
export function recordRef(runId: string): string {
  return `${RECORD_REF_PREFIX}${runId}`;
}

/** Deletes the record ref of a run, without hooks; nothing when absent or outside a repository. */
export async function deleteRecordRef(root: string, runId: string): Promise<void> {
  if ((await findRepositoryRoot(root)) === null) {
    return;
  }
  try {
    await gitAt(root, { noHooks: true }).raw(['update-ref', '-d', recordRef(runId)]);
  } catch {
    // The ref did not exist.
  }
}
