import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Global, Module } from '@nestjs/common';
import { CredentialsService, SECRET_BOX } from './credentials.service';
import { loadMasterKey } from './master-key';
import { SecretBox } from './secret-box';

/** Credentials and the master key that seals them. */
@Global()
@Module({
  providers: [
    {
      provide: SECRET_BOX,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => new SecretBox((await loadMasterKey(config)).key),
    },
    CredentialsService,
  ],
  // SECRET_BOX seals other secrets at rest too (webhook signing secrets, chat response URLs).
  exports: [CredentialsService, SECRET_BOX],
})
export class SecretsModule {}
