import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerAuditDockerfile } from './audit-dockerfile.js';
import { registerAuditImage } from './audit-image.js';
import { registerAuditContainer } from './audit-container.js';
import { registerAuditHost } from './audit-host.js';
import { registerAuditCompose } from './audit-compose.js';
import { registerAuditK8s } from './audit-k8s.js';

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program
    .command('audit')
    .description('audit Dockerfiles, images, running containers, the host, compose files or Kubernetes manifests; reports in table, json, sarif, markdown, html ...');
  registerAuditDockerfile(audit, ctx);
  registerAuditImage(audit, ctx);
  registerAuditContainer(audit, ctx);
  registerAuditHost(audit, ctx);
  registerAuditCompose(audit, ctx);
  registerAuditK8s(audit, ctx);
}
