/**
 * CIS Docker Benchmark v1.6.0 (Center for Internet Security, 2023): every recommendation of
 * sections 1-7, as data. Rules cite these ids in their `cis` metadata; test/audit/cis checks
 * every cited id against this table.
 *
 * Source: the ids, titles and Automated/Manual labels of docker-bench-security, which implements
 * this benchmark version (its README: "based on the CIS Docker Benchmark v1.6.0"), read from
 * github.com/docker/docker-bench-security tests/1_*.sh ... tests/7_*.sh at commit
 * ff26d67f25be60fc2d82a01710ee14570b2cb9db (2024-10-21); extracted 2026-12-04. Numbering
 * cross-checked against Tenable's "CIS Docker v1.6.0 L1 Docker Linux" audit item list
 * (1.1.x, 1.2.x, 2.1-2.4) and the benchmark's table of contents (3.16-4.3).
 * Edits to docker-bench's text: the "(Automated)"/"(Manual)" suffix moved into `assessment`;
 * section 2 still carries docker-bench's older "(Scored)" label, read here as automated; a stray
 * "1.1.12 " prefix dropped; "Dockerfiles and directories" (1.1.11, 1.1.12) written "Docker files
 * and directories" like the other 1.1.x titles.
 */

export const CIS_DOCKER_BENCHMARK = { name: 'CIS Docker Benchmark', version: '1.6.0' } as const;

export interface CisRecommendation {
  /** e.g. "5.5" */
  id: string;
  title: string;
  /** CIS "Automated" (formerly "Scored") or "Manual" */
  assessment: 'automated' | 'manual';
}

export const CIS_SECTIONS: ReadonlyArray<{ id: string; title: string }> = [
  { id: '1', title: 'Host Configuration' },
  { id: '1.1', title: 'Linux Hosts Specific Configuration' },
  { id: '1.2', title: 'General Configuration' },
  { id: '2', title: 'Docker daemon configuration' },
  { id: '3', title: 'Docker daemon configuration files' },
  { id: '4', title: 'Container Images and Build File' },
  { id: '5', title: 'Container Runtime' },
  { id: '6', title: 'Docker Security Operations' },
  { id: '7', title: 'Docker Swarm Configuration' },
];

export const CIS_RECOMMENDATIONS: readonly CisRecommendation[] = [
  { id: '1.1.1', title: 'Ensure a separate partition for containers has been created', assessment: 'automated' },
  { id: '1.1.2', title: 'Ensure only trusted users are allowed to control Docker daemon', assessment: 'automated' },
  { id: '1.1.3', title: 'Ensure auditing is configured for the Docker daemon', assessment: 'automated' },
  { id: '1.1.4', title: 'Ensure auditing is configured for Docker files and directories - /run/containerd', assessment: 'automated' },
  { id: '1.1.5', title: 'Ensure auditing is configured for Docker files and directories - /var/lib/docker', assessment: 'automated' },
  { id: '1.1.6', title: 'Ensure auditing is configured for Docker files and directories - /etc/docker', assessment: 'automated' },
  { id: '1.1.7', title: 'Ensure auditing is configured for Docker files and directories - docker.service', assessment: 'automated' },
  { id: '1.1.8', title: 'Ensure auditing is configured for Docker files and directories - containerd.sock', assessment: 'automated' },
  { id: '1.1.9', title: 'Ensure auditing is configured for Docker files and directories - docker.socket', assessment: 'automated' },
  { id: '1.1.10', title: 'Ensure auditing is configured for Docker files and directories - /etc/default/docker', assessment: 'automated' },
  { id: '1.1.11', title: 'Ensure auditing is configured for Docker files and directories - /etc/docker/daemon.json', assessment: 'automated' },
  { id: '1.1.12', title: 'Ensure auditing is configured for Docker files and directories - /etc/containerd/config.toml', assessment: 'automated' },
  { id: '1.1.13', title: 'Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker', assessment: 'automated' },
  { id: '1.1.14', title: 'Ensure auditing is configured for Docker files and directories - /usr/bin/containerd', assessment: 'automated' },
  { id: '1.1.15', title: 'Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim', assessment: 'automated' },
  { id: '1.1.16', title: 'Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1', assessment: 'automated' },
  { id: '1.1.17', title: 'Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2', assessment: 'automated' },
  { id: '1.1.18', title: 'Ensure auditing is configured for Docker files and directories - /usr/bin/runc', assessment: 'automated' },
  { id: '1.2.1', title: 'Ensure the container host has been Hardened', assessment: 'manual' },
  { id: '1.2.2', title: 'Ensure that the version of Docker is up to date', assessment: 'manual' },
  { id: '2.1', title: 'Run the Docker daemon as a non-root user, if possible', assessment: 'manual' },
  { id: '2.2', title: 'Ensure network traffic is restricted between containers on the default bridge', assessment: 'automated' },
  { id: '2.3', title: "Ensure the logging level is set to 'info'", assessment: 'automated' },
  { id: '2.4', title: 'Ensure Docker is allowed to make changes to iptables', assessment: 'automated' },
  { id: '2.5', title: 'Ensure insecure registries are not used', assessment: 'automated' },
  { id: '2.6', title: 'Ensure aufs storage driver is not used', assessment: 'automated' },
  { id: '2.7', title: 'Ensure TLS authentication for Docker daemon is configured', assessment: 'automated' },
  { id: '2.8', title: 'Ensure the default ulimit is configured appropriately', assessment: 'manual' },
  { id: '2.9', title: 'Enable user namespace support', assessment: 'automated' },
  { id: '2.10', title: 'Ensure the default cgroup usage has been confirmed', assessment: 'automated' },
  { id: '2.11', title: 'Ensure base device size is not changed until needed', assessment: 'automated' },
  { id: '2.12', title: 'Ensure that authorization for Docker client commands is enabled', assessment: 'automated' },
  { id: '2.13', title: 'Ensure centralized and remote logging is configured', assessment: 'automated' },
  { id: '2.14', title: 'Ensure containers are restricted from acquiring new privileges', assessment: 'automated' },
  { id: '2.15', title: 'Ensure live restore is enabled', assessment: 'automated' },
  { id: '2.16', title: 'Ensure Userland Proxy is Disabled', assessment: 'automated' },
  { id: '2.17', title: 'Ensure that a daemon-wide custom seccomp profile is applied if appropriate', assessment: 'manual' },
  { id: '2.18', title: 'Ensure that experimental features are not implemented in production', assessment: 'automated' },
  { id: '3.1', title: 'Ensure that the docker.service file ownership is set to root:root', assessment: 'automated' },
  { id: '3.2', title: 'Ensure that docker.service file permissions are appropriately set', assessment: 'automated' },
  { id: '3.3', title: 'Ensure that docker.socket file ownership is set to root:root', assessment: 'automated' },
  { id: '3.4', title: 'Ensure that docker.socket file permissions are set to 644 or more restrictive', assessment: 'automated' },
  { id: '3.5', title: 'Ensure that the /etc/docker directory ownership is set to root:root', assessment: 'automated' },
  { id: '3.6', title: 'Ensure that /etc/docker directory permissions are set to 755 or more restrictively', assessment: 'automated' },
  { id: '3.7', title: 'Ensure that registry certificate file ownership is set to root:root', assessment: 'automated' },
  { id: '3.8', title: 'Ensure that registry certificate file permissions are set to 444 or more restrictively', assessment: 'automated' },
  { id: '3.9', title: 'Ensure that TLS CA certificate file ownership is set to root:root', assessment: 'automated' },
  { id: '3.10', title: 'Ensure that TLS CA certificate file permissions are set to 444 or more restrictively', assessment: 'automated' },
  { id: '3.11', title: 'Ensure that Docker server certificate file ownership is set to root:root', assessment: 'automated' },
  { id: '3.12', title: 'Ensure that the Docker server certificate file permissions are set to 444 or more restrictively', assessment: 'automated' },
  { id: '3.13', title: 'Ensure that the Docker server certificate key file ownership is set to root:root', assessment: 'automated' },
  { id: '3.14', title: 'Ensure that the Docker server certificate key file permissions are set to 400', assessment: 'automated' },
  { id: '3.15', title: 'Ensure that the Docker socket file ownership is set to root:docker', assessment: 'automated' },
  { id: '3.16', title: 'Ensure that the Docker socket file permissions are set to 660 or more restrictively', assessment: 'automated' },
  { id: '3.17', title: 'Ensure that the daemon.json file ownership is set to root:root', assessment: 'automated' },
  { id: '3.18', title: 'Ensure that daemon.json file permissions are set to 644 or more restrictive', assessment: 'automated' },
  { id: '3.19', title: 'Ensure that the /etc/default/docker file ownership is set to root:root', assessment: 'automated' },
  { id: '3.20', title: 'Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively', assessment: 'automated' },
  { id: '3.21', title: 'Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively', assessment: 'automated' },
  { id: '3.22', title: 'Ensure that the /etc/sysconfig/docker file ownership is set to root:root', assessment: 'automated' },
  { id: '3.23', title: 'Ensure that the Containerd socket file ownership is set to root:root', assessment: 'automated' },
  { id: '3.24', title: 'Ensure that the Containerd socket file permissions are set to 660 or more restrictively', assessment: 'automated' },
  { id: '4.1', title: 'Ensure that a user for the container has been created', assessment: 'automated' },
  { id: '4.2', title: 'Ensure that containers use only trusted base images', assessment: 'manual' },
  { id: '4.3', title: 'Ensure that unnecessary packages are not installed in the container', assessment: 'manual' },
  { id: '4.4', title: 'Ensure images are scanned and rebuilt to include security patches', assessment: 'manual' },
  { id: '4.5', title: 'Ensure Content trust for Docker is Enabled', assessment: 'automated' },
  { id: '4.6', title: 'Ensure that HEALTHCHECK instructions have been added to container images', assessment: 'automated' },
  { id: '4.7', title: 'Ensure update instructions are not used alone in the Dockerfile', assessment: 'manual' },
  { id: '4.8', title: 'Ensure setuid and setgid permissions are removed', assessment: 'manual' },
  { id: '4.9', title: 'Ensure that COPY is used instead of ADD in Dockerfiles', assessment: 'manual' },
  { id: '4.10', title: 'Ensure secrets are not stored in Dockerfiles', assessment: 'manual' },
  { id: '4.11', title: 'Ensure only verified packages are installed', assessment: 'manual' },
  { id: '4.12', title: 'Ensure all signed artifacts are validated', assessment: 'manual' },
  { id: '5.1', title: 'Ensure swarm mode is not Enabled, if not needed', assessment: 'automated' },
  { id: '5.2', title: 'Ensure that, if applicable, an AppArmor Profile is enabled', assessment: 'automated' },
  { id: '5.3', title: 'Ensure that, if applicable, SELinux security options are set', assessment: 'automated' },
  { id: '5.4', title: 'Ensure that Linux kernel capabilities are restricted within containers', assessment: 'automated' },
  { id: '5.5', title: 'Ensure that privileged containers are not used', assessment: 'automated' },
  { id: '5.6', title: 'Ensure sensitive host system directories are not mounted on containers', assessment: 'automated' },
  { id: '5.7', title: 'Ensure sshd is not run within containers', assessment: 'automated' },
  { id: '5.8', title: 'Ensure privileged ports are not mapped within containers', assessment: 'automated' },
  { id: '5.9', title: 'Ensure that only needed ports are open on the container', assessment: 'manual' },
  { id: '5.10', title: "Ensure that the host's network namespace is not shared", assessment: 'automated' },
  { id: '5.11', title: 'Ensure that the memory usage for containers is limited', assessment: 'automated' },
  { id: '5.12', title: 'Ensure that CPU priority is set appropriately on containers', assessment: 'automated' },
  { id: '5.13', title: "Ensure that the container's root filesystem is mounted as read only", assessment: 'automated' },
  { id: '5.14', title: 'Ensure that incoming container traffic is bound to a specific host interface', assessment: 'automated' },
  { id: '5.15', title: "Ensure that the 'on-failure' container restart policy is set to '5'", assessment: 'automated' },
  { id: '5.16', title: "Ensure that the host's process namespace is not shared", assessment: 'automated' },
  { id: '5.17', title: "Ensure that the host's IPC namespace is not shared", assessment: 'automated' },
  { id: '5.18', title: 'Ensure that host devices are not directly exposed to containers', assessment: 'manual' },
  { id: '5.19', title: 'Ensure that the default ulimit is overwritten at runtime if needed', assessment: 'manual' },
  { id: '5.20', title: 'Ensure mount propagation mode is not set to shared', assessment: 'automated' },
  { id: '5.21', title: "Ensure that the host's UTS namespace is not shared", assessment: 'automated' },
  { id: '5.22', title: 'Ensure the default seccomp profile is not Disabled', assessment: 'automated' },
  { id: '5.23', title: 'Ensure that docker exec commands are not used with the privileged option', assessment: 'automated' },
  { id: '5.24', title: 'Ensure that docker exec commands are not used with the user=root option', assessment: 'manual' },
  { id: '5.25', title: 'Ensure that cgroup usage is confirmed', assessment: 'automated' },
  { id: '5.26', title: 'Ensure that the container is restricted from acquiring additional privileges', assessment: 'automated' },
  { id: '5.27', title: 'Ensure that container health is checked at runtime', assessment: 'automated' },
  { id: '5.28', title: 'Ensure that Docker commands always make use of the latest version of their image', assessment: 'manual' },
  { id: '5.29', title: 'Ensure that the PIDs cgroup limit is used', assessment: 'automated' },
  { id: '5.30', title: "Ensure that Docker's default bridge 'docker0' is not used", assessment: 'manual' },
  { id: '5.31', title: "Ensure that the host's user namespaces are not shared", assessment: 'automated' },
  { id: '5.32', title: 'Ensure that the Docker socket is not mounted inside any containers', assessment: 'automated' },
  { id: '6.1', title: 'Ensure that image sprawl is avoided', assessment: 'manual' },
  { id: '6.2', title: 'Ensure that container sprawl is avoided', assessment: 'manual' },
  { id: '7.1', title: 'Ensure that the minimum number of manager nodes have been created in a swarm', assessment: 'automated' },
  { id: '7.2', title: 'Ensure that swarm services are bound to a specific host interface', assessment: 'automated' },
  { id: '7.3', title: 'Ensure that all Docker swarm overlay networks are encrypted', assessment: 'automated' },
  { id: '7.4', title: "Ensure that Docker's secret management commands are used for managing secrets in a swarm cluster", assessment: 'manual' },
  { id: '7.5', title: 'Ensure that swarm manager is run in auto-lock mode', assessment: 'automated' },
  { id: '7.6', title: 'Ensure that the swarm manager auto-lock key is rotated periodically', assessment: 'manual' },
  { id: '7.7', title: 'Ensure that node certificates are rotated as appropriate', assessment: 'manual' },
  { id: '7.8', title: 'Ensure that CA certificates are rotated as appropriate', assessment: 'manual' },
  { id: '7.9', title: 'Ensure that management plane traffic is separated from data plane traffic', assessment: 'manual' },
];

const BY_ID = new Map(CIS_RECOMMENDATIONS.map((r) => [r.id, r]));

/** The recommendation with this id in CIS Docker Benchmark v1.6.0, or undefined. */
export function cisRecommendation(id: string): CisRecommendation | undefined {
  return BY_ID.get(id);
}

/** Sorts ids as the benchmark lists them: "1.1.2" < "1.1.10" < "2.1". */
export function compareCisIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
