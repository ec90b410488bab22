// Constant tables cross-checked against what Node and the kernel report for this machine.
import assert from 'node:assert/strict';
import { constants as fsConstants, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { test } from 'node:test';
import { CAPABILITIES, O, SIG, capLastCap, probeLastCap } from '../../../sys/constants.js';

test('O_* flags match node:fs constants for this architecture', () => {
  const pairs: [keyof typeof O, string][] = [
    ['RDONLY', 'O_RDONLY'], ['WRONLY', 'O_WRONLY'], ['RDWR', 'O_RDWR'], ['CREAT', 'O_CREAT'], ['EXCL', 'O_EXCL'],
    ['NOCTTY', 'O_NOCTTY'], ['TRUNC', 'O_TRUNC'], ['APPEND', 'O_APPEND'], ['NONBLOCK', 'O_NONBLOCK'],
    ['DIRECTORY', 'O_DIRECTORY'], ['NOFOLLOW', 'O_NOFOLLOW'],
  ];
  for (const [ours, node] of pairs) {
    assert.equal(O[ours], (fsConstants as Record<string, number>)[node], node);
  }
});

test('signal numbers match os.constants.signals', () => {
  for (const [name, n] of Object.entries(SIG)) {
    if (name === 'RTMIN' || name === 'RTMAX') continue;
    assert.equal(n, (osConstants.signals as Record<string, number>)[`SIG${name}`], `SIG${name}`);
  }
});

test('capability table is 0..40 without gaps or duplicates', () => {
  const numbers = Object.values(CAPABILITIES).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 41 }, (_, i) => i));
  assert.equal(CAPABILITIES.CAP_CHOWN, 0);
  assert.equal(CAPABILITIES.CAP_SYS_ADMIN, 21);
  assert.equal(CAPABILITIES.CAP_CHECKPOINT_RESTORE, 40);
});

test('capLastCap reads /proc and the prctl probe agrees', () => {
  const fromProc = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  assert.equal(capLastCap(), fromProc);
  assert.equal(probeLastCap(), fromProc);
});
