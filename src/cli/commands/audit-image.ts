import type { Command } from 'commander';
import type { CliContext } from '../main.js';

// Placeholder registration: the owning work item replaces this file with the real command.
export function registerAuditImage(audit: Command, _ctx: CliContext): void {
  audit.command('image').description('(being built)');
}
