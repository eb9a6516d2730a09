import { CreateCredentialRequest, paginate, unwrap } from '@galera-cp/sdk';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../cli-errors';
import { credentialDetail, credentialTable } from '../output/resource-views';
import { resolveCredential } from '../resource-resolver';
import { choiceOption, collect, SessionOf } from './command-support';

const KINDS = ['ssh-private-key', 'ssh-password', 'kubeconfig'] as const;

interface CreateOptions {
  name: string;
  kind: (typeof KINDS)[number];
  privateKeyFile?: string;
  passphraseStdin?: boolean;
  passwordStdin?: boolean;
  kubeconfigFile?: string;
}

function readSecretFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** A secret typed or piped into standard input, without the line end a shell adds. */
async function readSecretStdin(readStdin: () => Promise<string>, flag: string): Promise<string> {
  const value = (await readStdin()).replace(/\r?\n$/, '');
  if (!value) throw new UsageError(`${flag}: standard input was empty`);
  return value;
}

/**
 * The body of POST /v1/credentials from the flags. Secrets come from files or standard input,
 * never from flag values (which shells keep in their history and `ps` shows to everyone).
 */
export async function credentialRequestOf(options: CreateOptions, readStdin: () => Promise<string>): Promise<CreateCredentialRequest> {
  const stray = (flags: [string, unknown][]) => flags.filter(([, value]) => value !== undefined).map(([flag]) => flag);
  switch (options.kind) {
    case 'ssh-private-key': {
      const wrong = stray([
        ['--password-stdin', options.passwordStdin],
        ['--kubeconfig-file', options.kubeconfigFile],
      ]);
      if (wrong.length) throw new UsageError(`--kind ssh-private-key does not take ${wrong.join(', ')}`);
      if (!options.privateKeyFile) throw new UsageError('--kind ssh-private-key needs --private-key-file <path>');
      const privateKey = readSecretFile(options.privateKeyFile, '--private-key-file');
      const passphrase = options.passphraseStdin ? await readSecretStdin(readStdin, '--passphrase-stdin') : undefined;
      return { name: options.name, kind: 'ssh-private-key', privateKey, ...(passphrase ? { passphrase } : {}) };
    }
    case 'ssh-password': {
      const wrong = stray([
        ['--private-key-file', options.privateKeyFile],
        ['--passphrase-stdin', options.passphraseStdin],
        ['--kubeconfig-file', options.kubeconfigFile],
      ]);
      if (wrong.length) throw new UsageError(`--kind ssh-password does not take ${wrong.join(', ')}`);
      if (!options.passwordStdin) throw new UsageError('--kind ssh-password needs --password-stdin (the password is read from standard input)');
      return { name: options.name, kind: 'ssh-password', password: await readSecretStdin(readStdin, '--password-stdin') };
    }
    case 'kubeconfig': {
      const wrong = stray([
        ['--private-key-file', options.privateKeyFile],
        ['--passphrase-stdin', options.passphraseStdin],
        ['--password-stdin', options.passwordStdin],
      ]);
      if (wrong.length) throw new UsageError(`--kind kubeconfig does not take ${wrong.join(', ')}`);
      if (!options.kubeconfigFile) throw new UsageError('--kind kubeconfig needs --kubeconfig-file <path>');
      return { name: options.name, kind: 'kubeconfig', kubeconfig: readSecretFile(options.kubeconfigFile, '--kubeconfig-file') };
    }
  }
}

/** `galeractl credentials …`: store SSH keys, passwords and kubeconfigs (write-only), list, show and delete them. */
export function credentialsCommand(sessionOf: SessionOf): Command {
  const credentials = new Command('credentials').description('credentials (SSH keys, passwords, kubeconfigs): the secret is write-only, never shown');

  credentials
    .command('create')
    .description('store a credential; its secret is read from a file or standard input and never returned')
    .requiredOption('--name <name>', 'a unique name')
    .addOption(choiceOption('--kind <kind>', 'what it holds', KINDS).makeOptionMandatory())
    .option('--private-key-file <path>', 'ssh-private-key: the private key file (OpenSSH or PEM)')
    .option('--passphrase-stdin', "ssh-private-key: read the key's passphrase from standard input")
    .option('--password-stdin', 'ssh-password: read the password from standard input')
    .option('--kubeconfig-file <path>', 'kubeconfig: the kubeconfig file')
    .option('--dry-run', 'validate the credential (the key parses, the name is free) and store nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  galeractl credentials create --name ops-key --kind ssh-private-key --private-key-file ~/.ssh/id_ed25519\n  printf %s "$PASSWORD" | galeractl credentials create --name ops-pw --kind ssh-password --password-stdin\n  galeractl credentials create --name prod-k8s --kind kubeconfig --kubeconfig-file ~/.kube/config\n',
    )
    .action(async (options: CreateOptions & { dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const body = await credentialRequestOf(options, () => session.io.readStdin());
      const credential = await unwrap(session.client.POST('/v1/credentials', { params: { query: { dryRun: options.dryRun || undefined } }, body }));
      session.output(credential, () =>
        options.dryRun
          ? `Dry run: credential ${credential.name} (${credential.kind}) is valid; nothing was stored.\n`
          : `Created credential ${credential.name} (${credential.id}, ${credential.kind}).\n`,
      );
    });

  credentials
    .command('list')
    .description('list credentials (metadata only)')
    .action(async (_options: unknown, command: Command) => {
      const session = sessionOf(command);
      const items = await collect(paginate((pageToken) => unwrap(session.client.GET('/v1/credentials', { params: { query: { pageToken, pageSize: 200 } } }))));
      session.output(items, () => credentialTable(items, session.view) || 'No credentials.\n');
    });

  credentials
    .command('get')
    .description("show a credential's metadata (key type and fingerprint, kubeconfig contexts)")
    .argument('<credential>', 'credential id (cr_…) or name')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const credential = await resolveCredential(session.client, ref);
      session.output(credential, () => credentialDetail(credential, session.view));
    });

  credentials
    .command('delete')
    .description('delete a credential (refused while a cluster uses it)')
    .argument('<credential>', 'credential id (cr_…) or name')
    .option('--dry-run', 'check that it could be deleted (no cluster uses it), and change nothing')
    .action(async (ref: string, options: { dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const credential = await resolveCredential(session.client, ref);
      await unwrap(session.client.DELETE('/v1/credentials/{id}', { params: { path: { id: credential.id }, query: { dryRun: options.dryRun || undefined } } }));
      if (options.dryRun)
        return session.output(
          { id: credential.id, name: credential.name, deleted: false, dryRun: true },
          () => `Dry run: credential ${credential.name} (${credential.id}) could be deleted (nothing was changed).\n`,
        );
      session.output({ id: credential.id, name: credential.name, deleted: true }, () => `Deleted credential ${credential.name} (${credential.id}).\n`);
    });

  return credentials;
}
