// client/build/run-command.ts: the argv of a RUN (exec form, shell form, heredocs, heredoc scripts with #!).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRunCommand, type RunInstruction } from '../../../../client/build/run-command.js';
import { parseContainerfile } from '../../../../client/build/stages.js';

function runOf(text: string): RunInstruction {
  const ins = parseContainerfile(`FROM x\n${text}`).stages[0]!.steps[0]!;
  assert.equal(ins.kind, 'run');
  return ins as RunInstruction;
}

const SH = ['/bin/sh', '-c'];

test('exec form as written; shell form after SHELL', () => {
  assert.deepEqual(planRunCommand(runOf('RUN ["echo", "a b"]'), SH), { argv: ['echo', 'a b'], shown: ['echo', 'a b'] });
  assert.deepEqual(planRunCommand(runOf('RUN echo $HOME'), ['/bin/bash', '-ec']), { argv: ['/bin/bash', '-ec', 'echo $HOME'], shown: ['/bin/bash', '-ec', 'echo $HOME'] });
});

test('a lone heredoc without #! is a shell script body', () => {
  const c = planRunCommand(runOf('RUN <<EOF\necho one\necho two\nEOF'), SH);
  assert.deepEqual(c, { argv: [...SH, 'echo one\necho two\n'], shown: [...SH, 'echo one\necho two\n'] });
});

test('a lone heredoc with #! becomes /dev/pipes/<NAME>, run by the shell; its body stays in history and key', () => {
  const body = '#!/usr/bin/env python3\nprint("hi")\n';
  for (const text of [`RUN <<EOF\n${body}EOF`, `RUN <<"EOF"\n${body}EOF`, `RUN <<-EOF\n\t${body.replace('\n', '\n\t')}EOF`]) {
    const c = planRunCommand(runOf(text), SH);
    assert.deepEqual(c, { argv: [...SH, '/dev/pipes/EOF'], shown: [...SH, body], script: { path: '/dev/pipes/EOF', content: body } }, text);
  }
});

test('a heredoc inside a longer command goes to the shell as written, #! or not', () => {
  const c = planRunCommand(runOf('RUN python3 <<EOF > /out\n#!/ignored\nprint(1)\nEOF'), SH);
  assert.deepEqual(c.argv, [...SH, 'python3 <<EOF > /out\n#!/ignored\nprint(1)\nEOF']);
  assert.equal(c.script, undefined);
  const two = planRunCommand(runOf('RUN <<A <<B\n#!/x\nA\ny\nB'), SH);
  assert.equal(two.script, undefined, 'two heredocs: not a script');
});
