// Integration tests for test/support/probes.ts, and a readiness check of the machine: with
// MYCTR_TEST_MUST_WORK=1 (CI) every feature the suite relies on must be present.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getProbe, onlyAs, probes, requireFeature, type ProbeName } from '../../support/probes.js';

const ALL = Object.keys(probes) as ProbeName[];

describe('probes', () => {
  it('are well-formed and computed once', () => {
    for (const name of ALL) {
      const p = probes[name];
      assert.ok(p.ok || p.reason.length > 0, `${name}: failure without a reason`);
      assert.equal(getProbe(name), p, `${name} was recomputed`);
    }
  });

  it('isRoot agrees with the effective uid', () => {
    assert.equal(probes.isRoot.ok, process.geteuid?.() === 0);
  });

  it('requireFeature skips or fails with the reason', () => {
    const skipped: string[] = [];
    const t = { skip: (m?: string) => void skipped.push(m ?? '') };
    const saved = process.env.MYCTR_TEST_MUST_WORK;
    try {
      delete process.env.MYCTR_TEST_MUST_WORK;
      assert.equal(requireFeature(t, { ok: true }), true);
      assert.equal(requireFeature(t, { ok: false, reason: 'no frobnicator' }), false);
      assert.deepEqual(skipped, ['no frobnicator']);
      process.env.MYCTR_TEST_MUST_WORK = '1';
      assert.throws(() => requireFeature(t, { ok: false, reason: 'no frobnicator' }), /required feature missing: no frobnicator/);
    } finally {
      if (saved === undefined) delete process.env.MYCTR_TEST_MUST_WORK;
      else process.env.MYCTR_TEST_MUST_WORK = saved;
    }
  });
});

describe('machine readiness', () => {
  const everywhere: ProbeName[] = ['userns', 'newuidmap', 'overlayInUserns', 'busyboxStatic', 'devNetTun', 'slirp4netns', 'pasta'];
  for (const name of everywhere) {
    it(`has ${name}`, (t) => {
      requireFeature(t, probes[name]);
    });
  }
  it('has subordinate ids for this user (rootless)', (t) => {
    if (onlyAs(t, 'rootless')) requireFeature(t, probes.subuidRange);
  });
  it(`has the test user without subordinate ids (root)`, (t) => {
    if (onlyAs(t, 'root')) requireFeature(t, probes.noSubidsUser);
  });
});
