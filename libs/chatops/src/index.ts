export * from './chat-command';
export * from './chat-confirmations';
export * from './chat-replies';
export * from './chat-targets';
export * from './chatops.module';
export * from './slack-command.use-case';
export * from './slack-messages';
export * from './slack-signature';
