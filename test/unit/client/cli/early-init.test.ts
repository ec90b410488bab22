// early-init.ts: which argv lets main.ts start a run's container init before commander parses it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { RUN_FLAG_OPTIONS, RUN_VALUE_OPTIONS, earlyRunFlags } from '../../../../client/cli/early-init.js';
import { register } from '../../../../client/cli/commands/run.js';

test('the option lists are exactly the options of `run` (value-taking and boolean)', () => {
  const program = new Command('myctr').enablePositionalOptions();
  register(program, { setExitCode: () => undefined });
  const run = program.commands.find((c) => c.name() === 'run')!;
  const values = new Set<string>();
  const flags = new Set<string>();
  for (const o of run.options) {
    const set = o.required || o.optional ? values : flags;
    if (o.short) set.add(o.short);
    if (o.long) set.add(o.long);
  }
  assert.deepEqual([...values].sort(), [...RUN_VALUE_OPTIONS].sort());
  assert.deepEqual([...flags].sort(), [...RUN_FLAG_OPTIONS].sort());
});

test('a plain foreground run: no host network, no stdin', () => {
  assert.deepEqual(earlyRunFlags(['run', '--rm', 'busybox', 'true']), { hostNetwork: false, interactive: false });
  assert.deepEqual(earlyRunFlags(['--log-level', 'debug', 'run', 'busybox']), { hostNetwork: false, interactive: false });
});

test('--network host (both spellings, last one wins) and -i (alone or combined)', () => {
  assert.deepEqual(earlyRunFlags(['run', '--network', 'host', 'busybox']), { hostNetwork: true, interactive: false });
  assert.deepEqual(earlyRunFlags(['run', '--network=host', '-i', 'busybox']), { hostNetwork: true, interactive: true });
  assert.deepEqual(earlyRunFlags(['run', '--network', 'host', '--network', 'none', 'busybox']), { hostNetwork: false, interactive: false });
  assert.deepEqual(earlyRunFlags(['run', '-iP', '--rm', 'busybox']), { hostNetwork: false, interactive: true });
});

test('option values are skipped, and everything after the image belongs to the container', () => {
  assert.deepEqual(earlyRunFlags(['run', '-e', '-t', '--name', '--network', 'busybox', '-t', '--network', 'host']),
    { hostNetwork: false, interactive: false });
  assert.deepEqual(earlyRunFlags(['run', '-h', 'x', '--', 'busybox']), { hostNetwork: false, interactive: false });
});

test('no early init: other commands, -t, -d, --help, unknown options, a missing value', () => {
  for (const args of [
    ['images'], ['create', 'busybox'], [], ['--help', 'run', 'busybox'], ['--version'],
    ['run', '-t', 'busybox'], ['run', '-it', 'busybox'], ['run', '--tty', 'busybox'], ['run', '-d', 'busybox'],
    ['run', '--detach', 'busybox'], ['run', '--help'], ['run', '--bogus', 'busybox'], ['run', '-ePATH=/x', 'busybox'],
    ['run', '--rm=1', 'busybox'], ['run', '--name'],
  ]) {
    assert.equal(earlyRunFlags(args), undefined, args.join(' '));
  }
});
