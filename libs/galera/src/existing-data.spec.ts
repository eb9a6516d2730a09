import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeExistingData, userSchemas } from './existing-data';
import { ZERO_UUID, type Grastate } from './grastate';

const OURS = 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e';
const OTHER = '05f061bd-02a3-11ee-857c-aa370ff6666b';
const FRESH = ['mysql', 'performance_schema', 'sys'];

function grastate(uuid: string, seqno = 12): Grastate {
  return { version: '2.1', uuid, seqno, safeToBootstrap: false };
}

describe('judgeExistingData', () => {
  test('a fresh datadir (system schemas, no history, or the zero history of an aborted SST) is accepted', () => {
    assert.deepEqual(judgeExistingData({ datadir: '/var/lib/mysql', directories: FRESH }, []), { ok: true, reason: 'empty' });
    assert.deepEqual(judgeExistingData({ datadir: '/var/lib/mysql', directories: [] }, [OURS]), { ok: true, reason: 'empty' });
    const aborted = judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, '#innodb_temp', 'lost+found'], grastate: grastate(ZERO_UUID, -1) }, []);
    assert.deepEqual(aborted, { ok: true, reason: 'empty' });
  });

  test('a former member of this cluster (its history) may come back, databases and all', () => {
    const v = judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'orders'], grastate: grastate(OURS.toUpperCase(), -1) }, [OURS]);
    assert.deepEqual(v, { ok: true, reason: 'same-history' });
  });

  test('another Galera history is refused at create (it would become the cluster) and at add (SST would replace it)', () => {
    const atCreate = judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'lab'], grastate: grastate(OTHER, 8) }, []);
    assert.equal(atCreate.ok, false);
    if (atCreate.ok) return;
    assert.equal(atCreate.code, 'HOST_HAS_DATA');
    assert.deepEqual(atCreate.history, { uuid: OTHER, seqno: 8 });
    assert.deepEqual(atCreate.schemas, ['lab']);
    assert.match(atCreate.message, new RegExp(`/var/lib/mysql holds the data of another Galera cluster \\(history ${OTHER}, seqno 8; databases: lab\\)`));
    assert.match(atCreate.message, /bootstrapping would make that data the new cluster's; move the data away/);
    const atAdd = judgeExistingData({ datadir: '/data', directories: FRESH, grastate: grastate(OTHER) }, [OURS]);
    assert.equal(atAdd.ok, false);
    if (!atAdd.ok) assert.match(atAdd.message, /joining would replace it by a state transfer/);
  });

  test("a standalone server's databases (no Galera history) are refused, named", () => {
    const v = judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'shop', 'crm'] }, []);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.deepEqual(v.schemas, ['crm', 'shop']);
    assert.equal(v.history, undefined);
    assert.match(v.message, /holds a server's own databases \(crm, shop\)/);
  });

  test("userSchemas leaves out the server's own folders", () => {
    assert.deepEqual(userSchemas(['sys', '#rocksdb', '.hidden', 'b', 'a', 'mysql', 'lost+found', 'performance_schema', '']), ['a', 'b']);
  });

  test("an installer's empty test database is not user data; a test database with tables is", () => {
    assert.deepEqual(judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'test'], testSchemaFiles: ['db.opt'] }, []), { ok: true, reason: 'empty' });
    assert.deepEqual(judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'test'], testSchemaFiles: [] }, []), { ok: true, reason: 'empty' });
    const used = judgeExistingData({ datadir: '/var/lib/mysql', directories: [...FRESH, 'test'], testSchemaFiles: ['db.opt', 't1.frm', 't1.ibd'] }, []);
    assert.equal(used.ok, false);
    if (!used.ok) assert.deepEqual(used.schemas, ['test']);
  });
});
