import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_LINE_LENGTH, OutputCollector } from './output-collector';

describe('OutputCollector', () => {
  test('keeps everything under the cap and splits lines across chunks', () => {
    const lines: string[] = [];
    const collector = new OutputCollector(1024, (line) => lines.push(line));
    collector.push(Buffer.from('first li'));
    collector.push(Buffer.from('ne\r\nsecond\n'));
    collector.push(Buffer.from('no newline at end'));
    collector.finish();
    assert.deepEqual(lines, ['first line', 'second', 'no newline at end']);
    assert.equal(collector.text(), 'first line\r\nsecond\nno newline at end');
    assert.equal(collector.truncated, false);
  });

  test('decodes multi-byte characters split between chunks', () => {
    const lines: string[] = [];
    const collector = new OutputCollector(1024, (line) => lines.push(line));
    const bytes = Buffer.from('ä€😀\n');
    for (const byte of bytes) collector.push(Buffer.from([byte]));
    collector.finish();
    assert.deepEqual(lines, ['ä€😀']);
  });

  test('keeps only the tail beyond the cap, starting at a whole line, with bounded memory', () => {
    const collector = new OutputCollector(100);
    for (let i = 0; i < 10_000; i++) collector.push(Buffer.from(`line ${i}\n`));
    collector.finish();
    const text = collector.text();
    assert.equal(collector.truncated, true);
    assert.ok(Buffer.byteLength(text) <= 100);
    assert.match(text, /^line \d+\n/);
    assert.ok(text.endsWith('line 9999\n'));
    assert.ok(collector.totalBytes > 10_000);
  });

  test('cuts a huge line without leaving half a character', () => {
    const collector = new OutputCollector(10);
    collector.push(Buffer.from('€'.repeat(100)));
    const text = collector.text();
    assert.ok(!text.includes('\ufffd'), JSON.stringify(text));
    assert.ok(text.length > 0 && /^€+$/.test(text));
  });

  test('cuts a line without newline into pieces for the callback', () => {
    const lines: string[] = [];
    const collector = new OutputCollector(10, (line) => lines.push(line));
    collector.push(Buffer.from('x'.repeat(MAX_LINE_LENGTH * 2 + 5)));
    collector.finish();
    assert.deepEqual(
      lines.map((l) => l.length),
      [MAX_LINE_LENGTH, MAX_LINE_LENGTH, 5],
    );
  });

  test('tail() returns the last characters from a line boundary', () => {
    const collector = new OutputCollector(1000);
    collector.push(Buffer.from('aaaa\nbbbb\ncccc\n'));
    assert.equal(collector.tail(8), 'cccc\n');
    assert.equal(collector.tail(1000), 'aaaa\nbbbb\ncccc\n');
  });
});
