import { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { loadProfileFile, normalizeUrl, ProfileFile, saveProfileFile } from '../config/profile-config';
import { renderTable } from '../output/table';
import { SessionOf } from './command-support';

/** A profile name: letters, digits, `.`, `_` and `-` (it is a YAML key and an env value). */
function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) throw new UsageError(`"${name}" is not a profile name (letters, digits, ".", "_", "-")`);
  return name;
}

/** `galeractl config …`: the profile file (`$GALERACTL_CONFIG` or `~/.config/galeractl/config.yaml`). Tokens are never printed. */
export function configCommand(sessionOf: SessionOf): Command {
  const config = new Command('config').description('the profile file: API URL and token per profile (tokens are never printed)');

  config
    .command('set-profile')
    .description('create or update a profile; the file is written with mode 0600')
    .argument('<name>', 'profile name (e.g. default, prod)')
    .option('--token-stdin', 'read the token from standard input (keeps it out of shell history and ps)')
    .option('--use', 'also make it the current profile')
    .addHelpText(
      'after',
      '\nThe global --url and --token give the values to store, e.g.\n  galeractl config set-profile prod --url https://galera.example.com --token-stdin --use < token.txt\nA new file gets currentProfile set to the first profile written.\n',
    )
    .action(async (name: string, options: { tokenStdin?: boolean; use?: boolean }, command: Command) => {
      const session = sessionOf(command);
      checkProfileName(name);
      const { url, token } = session.options;
      if (token && options.tokenStdin) throw new UsageError('give the token with --token or --token-stdin, not both');
      const newToken = options.tokenStdin ? (await session.io.readStdin()).trim() : token;
      if (options.tokenStdin && !newToken) throw new UsageError('--token-stdin: standard input was empty');
      const path = session.configPath;
      const file: ProfileFile = loadProfileFile(path).file ?? { profiles: {} };
      const profile = { ...file.profiles[name] };
      if (url) profile.url = normalizeUrl(url, '--url');
      if (newToken) profile.token = newToken;
      if (!profile.url && !profile.token) throw new UsageError(`profile "${name}": give at least --url or a token (--token, --token-stdin)`);
      file.profiles[name] = profile;
      if (options.use || !file.currentProfile) file.currentProfile = name;
      saveProfileFile(path, file);
      session.output(
        { configPath: path, profile: name, url: profile.url ?? null, tokenSet: Boolean(profile.token), currentProfile: file.currentProfile },
        () => `Saved profile "${name}" in ${path} (mode 0600)${file.currentProfile === name ? '; it is the current profile' : ''}.\n`,
      );
    });

  config
    .command('use-profile')
    .description('make a profile the current one')
    .argument('<name>', 'profile name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const path = session.configPath;
      const file = loadProfileFile(path).file;
      if (!file?.profiles[name]) throw new UsageError(`profile "${name}" is not in ${path}${file ? ` (known: ${Object.keys(file.profiles).join(', ') || 'none'})` : ''}`);
      file.currentProfile = name;
      saveProfileFile(path, file);
      session.output({ configPath: path, currentProfile: name }, () => `Current profile: ${name}.\n`);
    });

  config
    .command('view')
    .description('show the profiles and the connection this command line would use, and where each setting comes from')
    .action(async (_options: unknown, command: Command) => {
      const session = sessionOf(command);
      const path = session.configPath;
      const file = loadProfileFile(path).file;
      const settings = session.settings;
      const profiles = Object.entries(file?.profiles ?? {}).map(([name, p]) => ({ name, url: p.url ?? null, tokenSet: Boolean(p.token) }));
      const document = {
        configPath: path,
        fileExists: file !== undefined,
        currentProfile: file?.currentProfile ?? null,
        profiles,
        effective: { url: settings.url, profile: settings.profile ?? null, tokenSet: Boolean(settings.token), sources: settings.sources },
      };
      session.output(document, () => {
        let text = `Config file: ${path}${file ? '' : ' (none yet)'}\n`;
        if (profiles.length > 0) {
          text += `\n${renderTable(
            [
              { header: '', value: (p: (typeof profiles)[number]) => (p.name === file?.currentProfile ? '*' : '') },
              { header: 'profile', value: (p) => p.name },
              { header: 'url', value: (p) => p.url ?? '-' },
              { header: 'token', value: (p) => (p.tokenSet ? '(set)' : '-') },
            ],
            profiles,
          )}`;
        }
        const { sources } = settings;
        text += `\nThis command line uses:\n  url:     ${settings.url}  (from ${sources.url})\n  profile: ${settings.profile ?? '-'}${sources.profile ? `  (from ${sources.profile})` : ''}\n  token:   ${settings.token ? `(set, from ${sources.token})` : 'none'}\n`;
        return text;
      });
    });

  return config;
}
