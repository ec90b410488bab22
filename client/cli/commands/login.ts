// `myctr login REGISTRY` / `myctr logout REGISTRY`: check the credentials against the registry, then store them
// in the login file (mode 0600). The password comes from --password-stdin, a prompt with echo off, or -p (warned).
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';
import { UsageError } from '../../runtime/errors.js';
import { promptSecret } from '../password-prompt.js';
import { authFilePath, removeCredentials, storeCredentials } from '../../registry/auth-file.js';
import { expectOk, isInsecureRegistry, RegistryClient } from '../../registry/client.js';

async function readStdin(): Promise<string> {
  let s = '';
  for await (const c of process.stdin) s += String(c);
  return s.replace(/\r?\n$/, '');
}

export function register(program: Command): void {
  program
    .command('login')
    .description('log in to a registry (credentials are kept in the login file, mode 0600)')
    .argument('<registry>', 'host[:port]')
    .option('-u, --username <name>')
    .option('-p, --password <password>', 'the password (visible to other users in `ps`: prefer --password-stdin or the prompt)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--tls-verify <bool>', 'false: plain http', (v) => v !== 'false')
    .action(async (registry: string, flags: { username?: string; password?: string; passwordStdin?: boolean; tlsVerify?: boolean }) => {
      let username = flags.username;
      let password: string;
      if (flags.passwordStdin && flags.password !== undefined) throw new UsageError('--password and --password-stdin are mutually exclusive');
      if (flags.passwordStdin || flags.password !== undefined) {
        if (!username) throw new UsageError(`${flags.passwordStdin ? '--password-stdin' : '--password'} needs --username`);
        if (flags.password !== undefined) log.warn('a password on the command line is visible to other users; use --password-stdin');
        password = flags.password ?? await readStdin();
      } else {
        if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password', 'use --username with --password-stdin (or -p)');
        if (username === undefined) {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          username = await rl.question('Username: ');
          rl.close();
        }
        password = await promptSecret('Password: ');
      }
      const credentials = { username, password };
      const client = new RegistryClient({ registry, repository: '', credentials, insecure: flags.tlsVerify === false || isInsecureRegistry(registry) });
      await client.ensureAuth();
      const res = await client.request('GET', `${client.base.replace(/\/v2\/.*$/, '')}/v2/`);
      await expectOk(res, 'log in', registry);
      await res.body?.cancel();
      storeCredentials(authFilePath(resolvePaths()), registry, credentials);
      process.stdout.write('Login Succeeded!\n');
    });
  program
    .command('logout')
    .description('remove the stored credentials of a registry')
    .argument('<registry>', 'host[:port]')
    .action((registry: string) => {
      if (!removeCredentials(authFilePath(resolvePaths()), registry)) throw new UsageError(`not logged in to \`${registry}\``);
      process.stdout.write(`Removed login credentials for ${registry}\n`);
    });
}
