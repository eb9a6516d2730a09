import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a step does to its member's server (bootstrap, start, restart, stop), as its planner
 * declared it: the typed result of an operation lists the members by it, not by guessing from
 * the action's name.
 */
export class StepEffect1765353600000 implements MigrationInterface {
  name = 'StepEffect1765353600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE operation_steps ADD COLUMN effect text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE operation_steps DROP COLUMN IF EXISTS effect`);
  }
}
