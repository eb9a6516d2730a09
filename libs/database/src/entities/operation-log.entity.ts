import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** One log line of an operation (command output lands here, redacted). */
@Entity({ name: 'operation_logs' })
export class OperationLogEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  id!: number;

  @Column({ type: 'text', name: 'operation_id' })
  operationId!: string;

  @Column({ type: 'integer', name: 'step_index', nullable: true })
  stepIndex!: number | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text' })
  message!: string;
}
