export * from './api-token.service';
export * from './auth.decorators';
export * from './auth.module';
export * from './current-principal.decorator';
export * from './preview.interceptor';
