import type { Command } from 'commander';
import type { CliContext } from '../main.js';

// Placeholder registration: the owning work item replaces this file with the real command.
export function registerRules(program: Command, _ctx: CliContext): void {
  program.command('rules').description('(being built)');
}
