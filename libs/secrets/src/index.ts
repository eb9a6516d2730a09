export * from './credential-kinds';
export * from './credentials.service';
export * from './master-key';
export * from './secret-box';
export * from './secrets.module';
