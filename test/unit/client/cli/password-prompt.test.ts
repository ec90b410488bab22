// Raw terminal input → the typed secret: Enter ends it, backspace and ^U edit, ^C aborts, ^D aborts an empty line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feedSecret } from '../../../../client/cli/password-prompt.js';

test('feedSecret edits and ends the line like a terminal would', () => {
  assert.deepEqual(feedSecret('', 'abc'), { line: 'abc', done: false, aborted: false });
  assert.deepEqual(feedSecret('abc', 'd\u007f\u007fX\r'), { line: 'abX', done: true, aborted: false });
  assert.deepEqual(feedSecret('abc', '\u0015z\n'), { line: 'z', done: true, aborted: false });
  assert.deepEqual(feedSecret('ab', '\u0003'), { line: 'ab', done: false, aborted: true });
  assert.equal(feedSecret('', '\u0004').aborted, true);
  assert.equal(feedSecret('a', '\u0004').aborted, false, '^D on a non-empty line is ignored');
  assert.equal(feedSecret('', 'pä§\r').line, 'pä§');
  assert.equal(feedSecret('pä', '\u007f').line, 'p', 'backspace removes one character, not one byte');
});
