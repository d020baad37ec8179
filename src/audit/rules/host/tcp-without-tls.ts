import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const tcpWithoutTls: Rule<HostFacts> = {
  meta: {
    id: 'HS008',
    slug: 'tcp-without-tls',
    target: 'host',
    severity: 'critical',
    title: 'Engine API on TCP without TLS',
    rationale:
      'An engine listening on tcp:// without --tlsverify answers anyone who can reach the port, with no authentication: scanners find such ports within minutes and start privileged containers (crypto miners are the usual payload). It is root on the host for the whole network.',
    fix: 'Remove the tcp:// listener, or require mutual TLS ("tlsverify": true with tlscacert/tlscert/tlskey); to manage remote engines use ssh:// instead.',
    references: ['https://docs.docker.com/engine/security/protect-access/'],
    cis: ['2.7'],
    example: { bad: '{ "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] }', good: '{ "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,\n  "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/cert.pem", "tlskey": "/etc/docker/key.pem" }' },
  },
  check: (h) => {
    const out = [];
    if (h.daemon.plainTcpEndpoint) out.push({ message: `engine ${h.endpoint} answered this audit over plain TCP without TLS`, key: 'endpoint' });
    if (!h.daemon.tlsVerify) {
      for (const host of h.daemon.hosts ?? []) {
        if (/^(?:tcp|http):\/\//.test(host) && !/^(?:tcp|http):\/\/(?:127\.|localhost|\[::1\])/.test(host)) {
          out.push({ message: `engine ${h.endpoint} listens on ${host} without --tlsverify`, key: host });
        }
      }
    }
    return out;
  },
};
