import type { Command } from 'commander';
import type { CliContext } from '../main.js';

// Placeholder registration: the owning work item replaces this file with the real command.
export function registerProfile(program: Command, _ctx: CliContext): void {
  program.command('profile').description('(being built)');
}
