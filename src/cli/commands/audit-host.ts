import type { Command } from 'commander';
import type { CliContext } from '../main.js';

// Placeholder registration: the owning work item replaces this file with the real command.
export function registerAuditHost(audit: Command, _ctx: CliContext): void {
  audit.command('host').description('(being built)');
}
