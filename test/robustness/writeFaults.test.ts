/**
 * One vocabulary for faults of the disk or workspace (issue "Nothing lost, nothing escapes", items 8,
 * 9 and 12): whether a run fails while writing, a run is deleted, or the run store cannot be created
 * before a task starts, a code is named with the same words and the same fix, and every such fault of
 * the store is the user's to fix (exit 2), never "unexpected error".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserInputError } from '../../src/core/base/errors';
import {
  describeWriteFailure,
  isWriteFault,
  storeWriteError,
  writeFaultError,
} from '../../src/core/base/fsErrors';

/** An error as Node's `fs` raises it. */
function fsError(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, mkdir '${path}'`), {
    code,
    errno: -1,
    syscall: 'mkdir',
    path,
  });
}

const FAULTS = ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO'];

describe('write faults', () => {
  for (const code of FAULTS) {
    it(`${code} reads the same in a run's error, a refused command and a refused run`, () => {
      const error = fsError(code, '/w/.xlens/runs/x');
      assert.equal(isWriteFault(error), true);
      const label = /^(.*) \(/.exec(describeWriteFailure(error, 'writing'))![1];
      const refused = writeFaultError(error, 'create');
      const store = storeWriteError(error, '/w/.xlens');
      assert.ok(refused instanceof UserInputError && store instanceof UserInputError);
      assert.ok(refused.message.startsWith(`${label} (${code}): cannot create /w/.xlens/runs/x. `));
      assert.match(
        store.message,
        new RegExp(`^cannot write the run store /w/\\.xlens \\(${code} on /w/\\.xlens/runs/x\\): `),
      );
      // The same label and the same fix.
      const fix = refused.message.slice(refused.message.indexOf('. ') + 2);
      assert.ok(store.message.includes(`: ${label}. ${fix}`), `${store.message}\nvs ${refused.message}`);
      assert.ok(store.message.endsWith(' Nothing was run.'));
    });
  }

  it('a file where the store folder belongs is named with the fix, other errors pass as they are', () => {
    for (const code of ['ENOTDIR', 'EEXIST']) {
      const store = storeWriteError(fsError(code, '/w/.xlens'), '/w/.xlens');
      assert.ok(store instanceof UserInputError);
      assert.match(store.message, /move that file away\. Nothing was run\.$/);
      assert.equal(isWriteFault(fsError(code, '/w/.xlens')), false);
    }
    const bug = new TypeError('not a user error');
    assert.equal(storeWriteError(bug, '/w/.xlens'), bug);
    assert.equal(writeFaultError(bug, 'create'), undefined);
  });
});
