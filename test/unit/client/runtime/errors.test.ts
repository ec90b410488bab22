// client/runtime/errors.ts: code, message, hint and name of every error class, and the helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConflictError, CreateContainerError, MissingToolError, MyctrError, NotFoundError, UsageError, hintOf, messageOf,
} from '../../../../client/runtime/errors.js';

test('MyctrError carries code, message, hint and cause', () => {
  const cause = new Error('root cause');
  const e = new MyctrError('MYCTR_IMAGE', 'bad image', { hint: 'pull it again', cause });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'MyctrError');
  assert.equal(e.code, 'MYCTR_IMAGE');
  assert.equal(e.message, 'bad image');
  assert.equal(e.hint, 'pull it again');
  assert.equal(e.cause, cause);
  const bare = new MyctrError('MYCTR_INTERNAL', 'x');
  assert.equal(bare.hint, undefined);
  assert.ok(!('cause' in bare), 'no cause property when none was given');
});

test('each subclass has its name, fixed code, message and hint', () => {
  const cases: [MyctrError, string, string, string, string | undefined][] = [
    [new UsageError('bad flag', 'use --x'), 'UsageError', 'MYCTR_USAGE', 'bad flag', 'use --x'],
    [new UsageError('bad flag'), 'UsageError', 'MYCTR_USAGE', 'bad flag', undefined],
    [new NotFoundError('no such image', 'pull it'), 'NotFoundError', 'MYCTR_NOT_FOUND', 'no such image', 'pull it'],
    [new ConflictError('name in use', 'pick another'), 'ConflictError', 'MYCTR_CONFLICT', 'name in use', 'pick another'],
    [new MissingToolError('newuidmap', 'install uidmap'), 'MissingToolError', 'MYCTR_MISSING_TOOL', '`newuidmap` not found', 'install uidmap'],
  ];
  for (const [err, name, code, message, hint] of cases) {
    assert.ok(err instanceof MyctrError, name);
    assert.equal(err.name, name);
    assert.equal(err.code, code, name);
    assert.equal(err.message, message, name);
    assert.equal(err.hint, hint, name);
  }
});

test('CreateContainerError keeps the code and hint of a MyctrError run error', () => {
  const run = new NotFoundError('image `x` not found', 'pull it first');
  const e = new CreateContainerError(run, []);
  assert.equal(e.name, 'CreateContainerError');
  assert.equal(e.code, 'MYCTR_NOT_FOUND');
  assert.equal(e.message, 'image `x` not found');
  assert.equal(e.hint, 'pull it first');
  assert.equal(e.cause, run);
  assert.equal(e.runError, run);
  assert.deepEqual(e.cleanupErrors, []);
});

test('CreateContainerError appends cleanup errors to the message and still keeps code and hint', () => {
  const run = new MyctrError('MYCTR_SETUP_FAILED', 'setup step 3 (sysfs): EPERM', { hint: 'see myctr info' });
  const cleanup = [new Error('remove dirs: EBUSY'), new Error('release name: EACCES')];
  const e = new CreateContainerError(run, cleanup);
  assert.equal(e.code, 'MYCTR_SETUP_FAILED');
  assert.equal(e.hint, 'see myctr info');
  assert.equal(e.message, 'setup step 3 (sysfs): EPERM; errors during cleanup: remove dirs: EBUSY; release name: EACCES');
  assert.equal(e.cleanupErrors, cleanup);
});

test('CreateContainerError of a plain error or a non-error is MYCTR_CREATE_FAILED without a hint', () => {
  const plain = new CreateContainerError(new Error('spawn ENOENT'), [new Error('x')]);
  assert.equal(plain.code, 'MYCTR_CREATE_FAILED');
  assert.equal(plain.message, 'spawn ENOENT; errors during cleanup: x');
  assert.equal(plain.hint, undefined);
  const str = new CreateContainerError('killed', []);
  assert.equal(str.code, 'MYCTR_CREATE_FAILED');
  assert.equal(str.message, 'killed');
});

test('messageOf and hintOf accept anything', () => {
  assert.equal(messageOf(new Error('m')), 'm');
  assert.equal(messageOf('s'), 's');
  assert.equal(messageOf(42), '42');
  assert.equal(messageOf(undefined), 'undefined');
  assert.equal(hintOf(new UsageError('u', 'h')), 'h');
  assert.equal(hintOf(new Error('e')), undefined);
  assert.equal(hintOf({ hint: 'not a MyctrError' }), undefined);
});
