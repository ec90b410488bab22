// sys/memory.ts: dropping clean file pages lowers RssFile and changes nothing the process reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dropCleanFileMappings, trimMalloc } from '../../../sys/memory.js';

const rssFileKb = (): number => Number(/RssFile:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

test('dropCleanFileMappings releases file pages; code and data still work afterwards', () => {
  const before = rssFileKb();
  const dropped = dropCleanFileMappings();
  assert.ok(dropped > 1024, `dropped ${dropped} kB`);
  assert.ok(rssFileKb() < before, `RssFile ${before} → ${rssFileKb()} kB`);
  // Code and read-only data of node, libc and koffi fault back in: run some of each.
  assert.equal(JSON.stringify(JSON.parse('{"a":[1,2]}')), '{"a":[1,2]}');
  assert.equal(new Intl.NumberFormat('en').format(1234.5), '1,234.5');
  trimMalloc();
  assert.equal(Buffer.from('myctr').toString('base64'), 'bXljdHI=');
});
