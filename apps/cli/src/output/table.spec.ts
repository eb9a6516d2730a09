import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPaint, formatAge, formatDuration, renderFields, renderTable, visibleWidth } from './table';

describe('tables and formats', () => {
  test('a table aligns columns two spaces apart, right-aligns numbers and leaves the last column unpadded', () => {
    const text = renderTable(
      [
        { header: 'name', value: (r: { name: string; n: number; note: string }) => r.name },
        { header: 'n', value: (r) => String(r.n), align: 'right' },
        { header: 'note', value: (r) => r.note },
      ],
      [
        { name: 'orders', n: 3, note: 'fine' },
        { name: 'ab', n: 12, note: '' },
      ],
    );
    assert.equal(text, 'NAME     N  NOTE\norders   3  fine\nab      12\n');
  });

  test('no rows is no table; newlines inside a cell are flattened', () => {
    assert.equal(renderTable([{ header: 'a', value: (r: string) => r }], []), '');
    assert.equal(renderTable([{ header: 'a', value: (r: string) => r }], ['x\ny']), 'A\nx y\n');
  });

  test('colour codes take no width', () => {
    const paint = createPaint(true);
    assert.equal(visibleWidth(paint.green('READY')), 5);
    const text = renderTable(
      [
        { header: 'state', value: (r: string) => paint.red(r) },
        { header: 'x', value: () => 'x' },
      ],
      ['DOWN', 'FAILED'],
    );
    assert.equal(text.split('\n').map(visibleWidth).slice(0, 3).join(','), '9,9,9');
  });

  test('fields align their keys and leave out undefined values', () => {
    assert.equal(
      renderFields([
        ['Id', 'cl_1'],
        ['Generation', '2'],
        ['Gone', undefined],
      ]),
      'Id:          cl_1\nGeneration:  2\n',
    );
  });

  test('ages and durations read the way kubectl prints them', () => {
    const now = Date.parse('2025-01-10T00:00:00Z');
    const ago = (ms: number) => new Date(now - ms).toISOString();
    assert.equal(formatAge(ago(45_000), now), '45s');
    assert.equal(formatAge(ago(12 * 60_000), now), '12m');
    assert.equal(formatAge(ago(5 * 3_600_000), now), '5h');
    assert.equal(formatAge(ago(3 * 86_400_000), now), '3d');
    assert.equal(formatAge(null, now), '-');
    assert.equal(formatDuration(850), '850ms');
    assert.equal(formatDuration(4200), '4.2s');
    assert.equal(formatDuration(185_000), '3m05s');
    assert.equal(formatDuration(3_720_000), '1h02m');
  });

  test('paint is the identity when colour is off', () => {
    const plain = createPaint(false);
    assert.equal(plain.red('x') + plain.bold('y'), 'xy');
  });
});
