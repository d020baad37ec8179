import { describe, expect, it } from 'vitest';
import { context, findingsOf, type CheckOptions } from './helpers.js';
import { dockerfileRules } from '../../../src/audit/rules/dockerfile/index.js';
import { DEPRECATED_OFFICIAL_IMAGES, NONROOT_OFFICIAL_IMAGES, OFFICIAL_IMAGES } from '../../../src/audit/dockerfile/official-images.js';

interface Case {
  name: string;
  text: string;
  options?: CheckOptions;
  /** expected lines of the findings (fires) */
  lines?: number[];
  /** expected severity of every finding (fires), when it is not the rule's default */
  severity?: string;
}

const ENV_SECRET = { path: '.env', verdict: 'secret', what: 'Secret-looking value assigned to DB_PASSWORD', evidence: 'Xk9#…[redacted]' } as const;
const PUBLIC_KEY = { verdict: 'public', what: 'public key or certificate' } as const;

const F = 'FROM alpine:3.22\n';

/** Table of cases per rule id: `fires` must produce at least one finding, `clean` none. */
const TABLE: Record<string, { fires: Case[]; clean: Case[] }> = {
  DF001: {
    fires: [
      { name: 'no USER at all', text: 'FROM node:22\nCMD ["node"]', lines: [1] },
      { name: 'USER root last', text: 'FROM node:22\nUSER node\nUSER root', lines: [3] },
      { name: 'USER 0:0', text: 'FROM node:22\nUSER 0:0', lines: [2] },
      { name: 'USER only in a build stage', text: 'FROM node:22 AS b\nUSER node\nFROM node:22\nCMD x', lines: [3] },
      { name: 'inherits root from an earlier stage', text: 'FROM node:22 AS base\nUSER root\nFROM base\nCMD x' },
      { name: 'official image that runs as root, high', text: 'FROM postgres:17\nCOPY x /x', severity: 'high' },
      { name: 'docker.io/library prefix', text: 'FROM docker.io/library/nginx:1.27\nCOPY x /x', severity: 'high' },
      { name: 'official image per architecture', text: 'FROM arm64v8/debian:12\nCOPY x /x', severity: 'high' },
      { name: 'known registry: distroless without :nonroot', text: 'FROM gcr.io/distroless/base-debian12\nCOPY x /x', severity: 'high' },
      { name: 'earlier stage chain ends on an official root image', text: 'FROM debian:12 AS a\nRUN x\nFROM a AS b\nRUN y\nFROM b\nCMD z', severity: 'high' },
      { name: 'USER root on an unknown base is still high', text: 'FROM bats-jenkins\nUSER root', severity: 'high' },
      { name: 'local image bulkhead cannot see: USER unknown, medium', text: 'FROM bats-jenkins\nRUN x', severity: 'medium' },
      { name: 'namespaced Docker Hub image: USER unknown', text: 'FROM jenkins/jenkins:lts\nRUN x', severity: 'medium' },
      { name: 'private registry: USER unknown', text: 'FROM registry.example.com/team/base:1\nRUN x', severity: 'medium' },
      { name: 'unresolved ARG base: USER unknown', text: 'ARG BASE\nFROM ${BASE}\nRUN x', severity: 'medium' },
      { name: 'official image that sets a non-root USER: info', text: 'FROM sonarqube:10\nRUN x', severity: 'info' },
    ],
    clean: [
      { name: 'non-root USER last', text: 'FROM node:22\nUSER root\nRUN x\nUSER node' },
      { name: 'numeric uid', text: 'FROM node:22\nUSER 10001:10001' },
      { name: 'inherits a non-root USER', text: 'FROM node:22 AS base\nUSER node\nFROM base\nCMD x' },
    ],
  },
  DF002: {
    fires: [
      { name: 'sudo apt-get', text: F + 'RUN sudo apt-get install -y curl', lines: [2] },
      { name: 'sudo behind env assignment and after &&', text: F + 'RUN true && FOO=1 sudo -u root make install' },
      { name: 'sudo in a heredoc', text: F + 'RUN <<EOF\nset -e\nsudo make install\nEOF', lines: [4] },
    ],
    clean: [
      { name: 'installs the sudo package', text: F + 'RUN apk add --no-cache sudo' },
      { name: 'word sudo in an echo', text: F + 'RUN echo "no sudo here"' },
    ],
  },
  DF003: {
    fires: [
      { name: 'echo >> /etc/sudoers', text: F + "RUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers" },
      { name: 'tee into sudoers.d', text: F + 'RUN echo "app ALL=(ALL) NOPASSWD:ALL" | tee /etc/sudoers.d/app' },
      { name: 'usermod -aG sudo', text: F + 'RUN usermod -aG sudo app' },
      { name: 'sed -i on sudoers', text: F + 'RUN sed -i "s/^# %wheel/%wheel/" /etc/sudoers' },
      { name: 'cp into sudoers.d', text: F + 'RUN cp /tmp/app.sudo /etc/sudoers.d/app' },
    ],
    clean: [
      { name: 'reads sudoers', text: F + 'RUN cat /etc/sudoers' },
      { name: 'sed without -i', text: F + 'RUN sed -n 1p /etc/sudoers' },
      { name: 'copies sudoers away (source, not destination)', text: F + 'RUN cp /etc/sudoers /tmp/sudoers.bak' },
    ],
  },
  DF004: {
    fires: [
      { name: 'u+s', text: F + 'RUN chmod u+s /usr/bin/helper' },
      { name: '4755', text: F + 'RUN chmod 4755 /usr/bin/helper' },
      { name: 'g+s', text: F + 'RUN chmod g+s /srv/shared' },
      { name: '2755', text: F + 'RUN chmod 2755 /usr/bin/x' },
      { name: '+s with -R', text: F + 'RUN chmod -R +s /opt/bin' },
      { name: 'inside sh -c', text: F + 'RUN sh -c "chmod 6755 /bin/x"' },
    ],
    clean: [
      { name: '0755', text: F + 'RUN chmod 0755 /usr/bin/helper' },
      { name: 'u-s removes it', text: F + 'RUN chmod u-s /usr/bin/helper' },
      { name: 'o+t sticky bit', text: F + 'RUN chmod 1777 /tmp' },
    ],
  },
  DF005: {
    fires: [
      { name: '777', text: F + 'RUN chmod -R 777 /app' },
      { name: 'o+w', text: F + 'RUN chmod o+w /app/data' },
      { name: 'a+rwx', text: F + 'RUN chmod a+rwx /srv' },
      { name: '666', text: F + 'RUN chmod 666 /app/config.yml' },
    ],
    clean: [
      { name: '755', text: F + 'RUN chmod 755 /app' },
      { name: 'u+w', text: F + 'RUN chmod u+w /app' },
      { name: '/tmp sticky world-writable is normal', text: F + 'RUN chmod 1777 /tmp' },
    ],
  },
  DF006: {
    fires: [
      { name: 'no tag', text: 'FROM ubuntu\nUSER 1', lines: [1] },
      { name: 'latest', text: 'FROM python:latest\nUSER 1' },
      { name: 'latest through an ARG default', text: 'ARG IMG=node:latest\nFROM ${IMG}\nUSER 1', lines: [2] },
      { name: 'registry with port, no tag', text: 'FROM registry.local:5000/team/app\nUSER 1' },
      { name: 'build stage too', text: 'FROM golang AS build\nFROM alpine:3.22\nUSER 1' },
    ],
    clean: [
      { name: 'versioned tag', text: 'FROM node:22-alpine' },
      { name: 'digest without tag', text: 'FROM node@sha256:0000000000000000000000000000000000000000000000000000000000000000' },
      { name: 'stage reference', text: 'FROM node:22 AS base\nFROM base' },
      { name: 'scratch', text: 'FROM scratch' },
      { name: 'unresolvable variable', text: 'ARG IMG\nFROM ${IMG}' },
      { name: 'registry port is not a tag', text: 'FROM registry.local:5000/team/app:1.2' },
    ],
  },
  DF007: {
    fires: [{ name: 'tag only', text: 'FROM alpine:3.22' }],
    clean: [
      { name: 'tag and digest', text: 'FROM alpine:3.22@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d' },
      { name: 'stage reference', text: 'FROM alpine@sha256:aa AS a\nFROM a' },
    ],
  },
  DF008: {
    fires: [
      { name: 'https URL', text: F + 'ADD https://example.com/tool.tar.gz /opt/' },
      { name: 'exec form URL', text: F + 'ADD ["https://example.com/a", "/a"]' },
      { name: 'git URL', text: F + 'ADD git@github.com:org/repo.git /src' },
    ],
    clean: [
      { name: 'with --checksum', text: F + 'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/t.tgz /opt/' },
      { name: 'local file', text: F + 'ADD app.tar.gz /opt/' },
    ],
  },
  DF009: {
    fires: [
      { name: 'local dir', text: F + 'ADD app/ /srv/app/' },
      { name: 'local file with chown', text: F + 'ADD --chown=1:1 config.yml /etc/app/' },
    ],
    clean: [
      { name: 'local archive (extraction is the point)', text: F + 'ADD rootfs.tar.xz /' },
      { name: 'URL (DF008 handles it)', text: F + 'ADD https://example.com/x /x' },
      { name: 'COPY', text: F + 'COPY app/ /srv/app/' },
    ],
  },
  DF010: {
    fires: [
      { name: 'curl | sh', text: F + 'RUN curl -fsSL https://get.example.com | sh', lines: [2] },
      { name: 'wget -O- | bash', text: F + 'RUN wget -qO- https://x.example/install | bash -s -- --yes' },
      { name: 'curl | sudo -E bash -', text: F + 'RUN curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash -' },
      { name: 'bash -c "$(curl ...)"', text: F + 'RUN bash -c "$(curl -fsSL https://raw.example.com/install.sh)"' },
      { name: 'process substitution', text: F + 'RUN bash <(curl -s https://x.example/i.sh)' },
      { name: 'pipe to python', text: F + 'RUN curl -sSL https://install.python-poetry.org | python3 -' },
      { name: 'inside a heredoc, own line', text: F + 'RUN <<EOF\nset -eu\ncurl -fsSL https://x.example | sh\nEOF', lines: [4] },
      { name: 'after a continuation', text: F + 'RUN apt-get update && \\\n    curl -fsSL https://x.example | \\\n    sh' },
      { name: 'busybox sh', text: F + 'RUN wget -qO- https://x.example/i.sh | busybox sh' },
      { name: 'python -c of the download itself', text: F + 'RUN python3 -c "$(curl -fsSL https://x.example/i.py)"' },
      { name: 'versioned python', text: F + 'RUN curl -sSL https://x.example/get.py | python3.11 -' },
    ],
    clean: [
      { name: 'download then verify', text: F + 'RUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c - && sh /tmp/i.sh' },
      { name: 'curl | tar', text: F + 'RUN curl -fsSL https://x.example/a.tgz | tar xz -C /opt' },
      { name: 'curl in a comment', text: F + 'RUN echo hi # curl x | sh' },
      { name: 'quoted pipe in an echo', text: F + 'RUN echo "curl x | sh" > /README' },
      { name: 'busybox unzip extracts, it runs nothing', text: F + 'RUN curl -sSL https://x.example/a.zip | busybox unzip -' },
      { name: 'gpg reads a key', text: F + 'RUN curl -fsSL https://x.example/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg' },
      { name: 'python -c parses JSON it downloaded', text: F + 'RUN curl -s https://api.example.com/v | python3 -c "import json,sys; print(json.load(sys.stdin)[0])"' },
      { name: 'python -m json.tool', text: F + 'RUN curl -s https://api.example.com/v | python3 -m json.tool' },
      { name: 'perl -ne filter', text: F + "RUN curl -s https://x.example/list | perl -ne 'print if /x/'" },
    ],
  },
  DF011: {
    fires: [
      { name: 'git clone user:password', text: F + 'RUN git clone https://deploy:s3cr3tPassw0rd@git.example.com/org/app.git' },
      { name: 'token as user', text: F + 'RUN git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/org/app.git' },
      { name: 'password from a build variable', text: F + 'ARG GIT_PASS\nRUN git clone https://ci:${GIT_PASS}@git.example.com/org/app.git' },
      { name: 'ENV URL with password', text: F + 'ENV DATABASE_URL=postgres://app:Pa55w0rdXyz@db:5432/app' },
      { name: 'in a heredoc, on its own line', text: F + 'RUN <<EOF\nset -e\ngit clone https://ci:Zq8wLm4vRt2x@git.example.com/a.git\nEOF', lines: [4] },
    ],
    clean: [
      { name: 'ssh clone', text: F + 'RUN git clone git@github.com:org/app.git' },
      { name: 'anonymous https', text: F + 'RUN git clone https://github.com/org/app.git' },
      { name: 'plain user, no password', text: F + 'RUN curl -fsSL https://user@example.com/file -o /f' },
    ],
  },
  DF012: {
    fires: [
      { name: 'apt --allow-unauthenticated', text: F + 'RUN apt-get install -y --allow-unauthenticated foo' },
      { name: 'wget --no-check-certificate', text: F + 'RUN wget --no-check-certificate https://x.example/f' },
      { name: 'curl -k in a cluster', text: F + 'RUN curl -fsSLk https://x.example/f -o /f' },
      { name: 'curl --insecure', text: F + 'RUN curl --insecure https://x.example/f' },
      { name: 'pip --trusted-host', text: F + 'RUN pip install --trusted-host pypi.example.com foo' },
      { name: 'npm strict-ssl false', text: F + 'RUN npm config set strict-ssl false' },
      { name: 'git sslVerify false', text: F + 'RUN git config --global http.sslVerify false' },
      { name: 'GIT_SSL_NO_VERIFY env', text: F + 'ENV GIT_SSL_NO_VERIFY=1' },
      { name: 'NODE_TLS_REJECT_UNAUTHORIZED=0 prefix', text: F + 'RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci' },
      { name: 'apk --allow-untrusted', text: F + 'RUN apk add --allow-untrusted /tmp/x.apk' },
      { name: 'apk --allow-untrusted of a downloaded package', text: F + 'RUN wget https://x.example/glibc.apk && apk add --allow-untrusted glibc.apk' },
      { name: '[trusted=yes] on a remote repository', text: F + 'RUN echo "deb [trusted=yes] http://repo.example.com/apt ./" > /etc/apt/sources.list.d/x.list' },
      { name: '[trusted=yes] file:// repo that this RUN does not build', text: F + 'RUN echo "deb [ trusted=yes ] file:///opt/repo ./" > /etc/apt/sources.list.d/x.list && apt-get update' },
      { name: 'yum --nogpgcheck', text: F + 'RUN yum install -y --nogpgcheck foo' },
    ],
    clean: [
      { name: 'plain curl', text: F + 'RUN curl -fsSL https://x.example/f -o /f' },
      { name: 'curl -K config file is not -k', text: F + 'RUN curl -K /etc/curlrc https://x.example' },
      { name: 'npm strict-ssl true', text: F + 'RUN npm config set strict-ssl true' },
      { name: 'word insecure in a message', text: F + 'RUN echo "--insecure is bad"' },
      {
        name: '[trusted=yes] for a file:// repo the same RUN indexed (docker-library postgres, nginx)',
        text: F + 'RUN tempDir="$(mktemp -d)" \\\n && ( cd "$tempDir" && dpkg-scanpackages . > Packages ) \\\n && echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list \\\n && apt-get -o Acquire::GzipIndexes=false update',
      },
      { name: 'apk --allow-untrusted of packages bind-mounted from a build stage', text: F + 'RUN --mount=type=bind,target=/tmp/packages/,source=/tmp/packages/,from=builder \\\n    apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-njs-1.27.apk' },
    ],
  },
  DF013: {
    fires: [
      { name: 'node 16', text: 'FROM node:16-alpine', lines: [1] },
      { name: 'python 3.8 patch tag', text: 'FROM python:3.8.18-slim-bookworm' },
      { name: 'debian buster codename', text: 'FROM debian:buster-slim' },
      { name: 'ubuntu 18.04', text: 'FROM ubuntu:18.04' },
      { name: 'ubuntu focal', text: 'FROM ubuntu:focal' },
      { name: 'alpine 3.15', text: 'FROM alpine:3.15' },
      { name: 'docker.io/library prefix', text: 'FROM docker.io/library/node:14' },
      { name: 'date is injected: node 22 after its EOL', text: 'FROM node:22', options: { settings: { now: new Date('2027-05-01T00:00:00Z') } } },
    ],
    clean: [
      { name: 'node 22 today', text: 'FROM node:22' },
      { name: 'python 3.13', text: 'FROM python:3.13-slim' },
      { name: 'node 20 before its EOL date', text: 'FROM node:20', options: { settings: { now: new Date('2026-04-30T00:00:00Z') } } },
      { name: 'unknown image', text: 'FROM nginx:1.10' },
      { name: 'someone else\'s image named node', text: 'FROM acme/node:8' },
      { name: 'lts tag', text: 'FROM node:lts' },
    ],
  },
  DF014: {
    fires: [
      { name: 'GitHub token in ENV', text: F + 'ENV GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456' },
      { name: 'AWS key by format, any name', text: F + 'ENV FOO=AKIAIOSFODNN7EXAMPLF' },
      { name: 'password default in ARG', text: F + 'ARG DB_PASSWORD=Xk9#mL2vQp7!' },
      { name: 'global ARG before FROM', text: 'ARG API_TOKEN=9f8e7d6c5b4a39281706f5e4d3c2b1a0\nFROM alpine:3.22' },
    ],
    clean: [
      { name: '*_FILE indirection', text: F + 'ENV DB_PASSWORD_FILE=/run/secrets/db_password' },
      { name: '/run/secrets path', text: F + 'ENV DB_PASSWORD=/run/secrets/db_password' },
      { name: 'placeholder changeme', text: F + 'ENV DB_PASSWORD=changeme' },
      { name: 'placeholder your-token-here', text: F + 'ENV API_TOKEN=your-token-here' },
      { name: 'variable reference', text: F + 'ARG TOKEN\nENV API_TOKEN=${TOKEN}' },
      { name: 'ordinary setting', text: F + 'ENV NODE_ENV=production PATH=/app/bin:$PATH' },
    ],
  },
  DF015: {
    fires: [
      { name: 'id_rsa', text: F + 'COPY id_rsa /root/.ssh/id_rsa' },
      { name: '.env', text: F + 'COPY .env /app/.env' },
      { name: 'pem key', text: F + 'COPY certs/server.key certs/tls.pem /etc/tls/' },
      { name: '.npmrc', text: F + 'COPY .npmrc /root/' },
      { name: '.docker/config.json', text: F + 'ADD .docker/config.json /root/.docker/config.json' },
      { name: 'kubeconfig', text: F + 'COPY kubeconfig /root/.kube/config' },
      { name: '.git-credentials', text: F + 'COPY .git-credentials /root/' },
      { name: 'not in the context: content unknown, medium', text: F + 'COPY jenkins.io-2026.key /war/jenkins-key.pub', severity: 'medium' },
      { name: 'context unreadable (stdin): medium', text: F + 'COPY id_rsa /root/.ssh/', options: { context: context({ unreadable: 'read from stdin' }) }, severity: 'medium' },
      { name: 'content holds a secret: high', text: F + 'COPY .env /app/.env', options: { context: context({ sources: { '.env': ENV_SECRET } }) }, severity: 'high' },
      { name: './ prefix resolves in the context', text: F + 'COPY ./.env /app/', options: { context: context({ sources: { '.env': ENV_SECRET } }) }, severity: 'high' },
      { name: 'binary content that cannot be judged: medium', text: F + 'COPY server.key /x', options: { context: context({ sources: { 'server.key': { path: 'server.key', verdict: 'unknown', what: 'binary content' } } }) }, severity: 'medium' },
    ],
    clean: [
      { name: 'public key', text: F + 'COPY id_rsa.pub /root/.ssh/authorized_keys' },
      { name: '.env.example', text: F + 'COPY .env.example /app/' },
      { name: 'from another stage', text: F + 'COPY --from=build /out/server.key /x' },
      { name: 'CA bundle', text: F + 'COPY ca.pem /usr/local/share/ca-certificates/ca.crt' },
      { name: 'a .key that holds a public key (jenkins.io-2026.key)', text: F + 'COPY jenkins.io-2026.key /war/jenkins-key.pub', options: { context: context({ sources: { 'jenkins.io-2026.key': { path: 'jenkins.io-2026.key', ...PUBLIC_KEY } } }) } },
      { name: 'a .env without secrets', text: F + 'COPY .env /app/', options: { context: context({ sources: { '.env': { path: '.env', verdict: 'clean', what: 'no secret found in its content' } } }) } },
    ],
  },
  DF016: {
    fires: [
      { name: 'ARG NPM_TOKEN', text: F + 'ARG NPM_TOKEN\nRUN npm ci' },
      { name: 'ARG GITHUB_TOKEN before FROM', text: 'ARG GITHUB_TOKEN\nFROM alpine:3.22' },
      { name: 'ARG DB_PASSWORD', text: F + 'ARG DB_PASSWORD' },
      { name: 'ARG GITHUB_TOKEN, no default', text: F + 'ARG GITHUB_TOKEN' },
      { name: 'empty default', text: F + 'ARG API_TOKEN=""' },
      { name: 'URL with a query string is not taken for a setting', text: F + 'ARG API_TOKEN=https://x.example/cb?access_token=abc' },
      { name: 'URL with credentials', text: F + 'ARG API_TOKEN=https://u:p@x.example/' },
    ],
    clean: [
      { name: 'secret mount is the right way', text: F + 'RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci' },
      { name: 'non-secret ARG', text: F + 'ARG NODE_VERSION=22\nARG TOKEN_URL=https://x' },
      { name: 'secret file path ARG', text: F + 'ARG NPM_TOKEN_FILE' },
      { name: 'number: ARG TOKEN_TTL_SECONDS=3600', text: F + 'ARG TOKEN_TTL_SECONDS=3600' },
      { name: 'duration', text: F + 'ARG TOKEN_LIFETIME=1h30m\nARG SECRET_ROTATION=30s' },
      { name: 'boolean', text: F + 'ARG USE_SECRET_STORE=false' },
      { name: 'path', text: F + 'ARG SECRET_DIR=/run/secrets\nARG KEY_PATH=./certs/server.key' },
      { name: 'URL without credentials', text: F + 'ARG TOKEN_ENDPOINT=https://auth.example.com/oauth/token' },
      { name: 'global ARG with a numeric default', text: 'ARG API_KEY_LENGTH=32\nFROM alpine:3.22' },
    ],
  },
  DF017: {
    fires: [
      { name: 'EXPOSE 22', text: F + 'EXPOSE 80 22' },
      { name: 'EXPOSE 22/tcp', text: F + 'EXPOSE 22/tcp' },
      { name: 'apt openssh-server', text: F + 'RUN apt-get install -y --no-install-recommends openssh-server' },
      { name: 'apk openssh', text: F + 'RUN apk add --no-cache openssh' },
    ],
    clean: [
      { name: 'EXPOSE 2222', text: F + 'EXPOSE 2222 8022' },
      { name: 'ssh client only', text: F + 'RUN apt-get install -y --no-install-recommends openssh-client' },
    ],
  },
  DF018: {
    fires: [
      { name: 'setcap', text: F + 'RUN setcap cap_net_bind_service=+ep /usr/bin/node' },
      { name: 'limits.conf edit', text: F + 'RUN echo "* hard nofile 65536" >> /etc/security/limits.conf' },
      { name: 'pam.d edit', text: F + 'RUN sed -i "s/required/sufficient/" /etc/pam.d/su' },
    ],
    clean: [
      { name: 'setcap -r removes', text: F + 'RUN setcap -r /usr/bin/ping' },
      { name: 'getcap', text: F + 'RUN getcap -r / 2>/dev/null' },
      { name: 'reads /etc/security', text: F + 'RUN cat /etc/security/limits.conf' },
      { name: 'copies a security file away', text: F + 'RUN cp /etc/security/limits.conf /tmp/limits.bak' },
    ],
  },
  DF019: {
    fires: [{ name: 'update alone', text: F + 'RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl' }],
    clean: [{ name: 'update && install', text: F + 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*' }],
  },
  DF020: {
    fires: [{ name: 'install without the flag', text: F + 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*' }],
    clean: [
      { name: 'with the flag', text: F + 'RUN apt-get install -y --no-install-recommends curl' },
      { name: 'apt.conf sets it', text: F + "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/01norec\nRUN apt-get install -y curl" },
    ],
  },
  DF021: {
    fires: [{ name: 'lists left behind', text: F + 'RUN apt-get update && apt-get install -y --no-install-recommends curl' }],
    clean: [
      { name: 'rm -rf lists', text: F + 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*' },
      { name: 'cache mount', text: F + 'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl' },
      { name: 'build-only stage', text: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM alpine:3.22' },
    ],
  },
  DF022: {
    fires: [
      { name: 'upgrade', text: F + 'RUN apt-get update && apt-get upgrade -y' },
      { name: 'dist-upgrade', text: F + 'RUN apt-get dist-upgrade -y' },
    ],
    clean: [{ name: 'install only', text: F + 'RUN apt-get install -y --only-upgrade openssl' }],
  },
  DF023: {
    fires: [{ name: 'apk add', text: F + 'RUN apk add curl' }],
    clean: [
      { name: '--no-cache', text: F + 'RUN apk add --no-cache curl' },
      { name: 'cache removed', text: F + 'RUN apk add curl && rm -rf /var/cache/apk/*' },
    ],
  },
  DF024: {
    fires: [
      { name: 'pip install', text: F + 'RUN pip install -r requirements.txt' },
      { name: 'python -m pip', text: F + 'RUN python3 -m pip install flask' },
    ],
    clean: [
      { name: '--no-cache-dir', text: F + 'RUN pip install --no-cache-dir flask' },
      { name: 'PIP_NO_CACHE_DIR env', text: F + 'ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask' },
      { name: 'pip freeze', text: F + 'RUN pip freeze' },
    ],
  },
  DF025: {
    fires: [
      { name: 'CMD shell form', text: F + 'CMD node server.js' },
      { name: 'ENTRYPOINT shell form', text: F + 'ENTRYPOINT /app/start.sh --prod' },
    ],
    clean: [
      { name: 'exec form', text: F + 'CMD ["node", "server.js"]' },
      { name: 'build stage shell form', text: 'FROM alpine:3.22 AS b\nCMD make\nFROM alpine:3.22\nCMD ["x"]' },
    ],
  },
  DF026: {
    fires: [{ name: 'two CMDs', text: F + 'CMD ["a"]\nCMD ["b"]', lines: [2] }],
    clean: [{ name: 'CMD in two stages', text: 'FROM alpine:3.22 AS a\nCMD ["a"]\nFROM alpine:3.22\nCMD ["b"]' }],
  },
  DF027: {
    fires: [{ name: 'MAINTAINER', text: F + 'MAINTAINER Jane <jane@example.com>' }],
    clean: [{ name: 'LABEL', text: F + 'LABEL org.opencontainers.image.authors="jane@example.com"' }],
  },
  DF028: {
    fires: [{ name: 'relative', text: F + 'WORKDIR app' }],
    clean: [
      { name: 'absolute', text: F + 'WORKDIR /app' },
      { name: 'variable', text: F + 'ARG DIR=/app\nWORKDIR $DIR' },
    ],
  },
  DF029: {
    fires: [{ name: 'RUN cd', text: F + 'RUN cd /app && make' }],
    clean: [
      { name: 'WORKDIR', text: F + 'WORKDIR /app\nRUN make' },
      { name: 'cd in a subshell later', text: F + 'RUN make && (cd docs && make)' },
      { name: 'heredoc script', text: F + 'RUN <<EOF\ncd /app\nmake\nEOF' },
    ],
  },
  DF030: {
    fires: [{ name: 'no HEALTHCHECK', text: F + 'CMD ["x"]' }],
    clean: [
      { name: 'HEALTHCHECK', text: F + 'HEALTHCHECK CMD ["/app/health"]' },
      { name: 'HEALTHCHECK NONE is a decision', text: F + 'HEALTHCHECK NONE' },
      { name: 'only in a build stage is not enough: clean when final has it', text: 'FROM alpine:3.22 AS a\nFROM alpine:3.22\nHEALTHCHECK CMD ["x"]' },
    ],
  },
  DF031: {
    fires: [
      { name: 'COPY . . without .dockerignore, nothing secret in it: low', text: F + 'COPY . .', options: { context: context({ secretPathsNotIgnored: ['.env', '.git/config'] }) }, severity: 'low' },
      { name: 'COPY ./ with an incomplete .dockerignore: low', text: F + 'COPY ./ /app/', options: { context: context({ dockerignore: '.dockerignore', secretPathsNotIgnored: ['.env'] }) }, severity: 'low' },
      { name: 'a secret-named file without a secret in it: still low', text: F + 'COPY . .', options: { context: context({ secretPathsNotIgnored: ['.env'], secretFilesPresent: [{ path: '.env', verdict: 'clean', what: 'no secret found in its content' }] }) }, severity: 'low' },
      { name: 'a file with a secret would be copied: high', text: F + 'COPY . .', options: { context: context({ secretFilesPresent: [ENV_SECRET] }) }, severity: 'high' },
      { name: 'ADD . too', text: F + 'ADD . /srv', options: { context: context({ secretFilesPresent: [ENV_SECRET] }) }, severity: 'high' },
      { name: 'content that cannot be judged: medium', text: F + 'COPY . .', options: { context: context({ secretFilesPresent: [{ path: 'tls.p8', verdict: 'unknown', what: 'binary content' }] }) }, severity: 'medium' },
      { name: 'context cannot be read (stdin): medium', text: F + 'COPY . .', options: { context: context({ unreadable: 'the Dockerfile was read from stdin' }) }, severity: 'medium' },
    ],
    clean: [
      { name: '.dockerignore covers secrets', text: F + 'COPY . .' },
      { name: 'specific paths', text: F + 'COPY src/ /app/src/', options: { context: context({ secretPathsNotIgnored: ['.env'], secretFilesPresent: [ENV_SECRET] }) } },
      { name: 'COPY --from stage', text: F + 'COPY --from=build . .', options: { context: context({ secretPathsNotIgnored: ['.env'], secretFilesPresent: [ENV_SECRET] }) } },
      { name: 'public keys only, .dockerignore complete', text: F + 'COPY . .', options: { context: context({ dockerignore: '.dockerignore', secretFilesPresent: [{ path: 'ca.pem', ...PUBLIC_KEY }] }) } },
    ],
  },
  DF032: {
    fires: [{ name: 'no reason', text: F + '# bulkhead ignore=DF023\nRUN apk add curl', lines: [2] }],
    clean: [{ name: 'with reason', text: F + '# bulkhead ignore=DF023 cache mount in CI\nRUN apk add curl' }],
  },
  DF033: {
    fires: [
      { name: 'ignore whose finding is gone', text: F + '# bulkhead ignore=DF023 cache mount in CI\nRUN apk add --no-cache curl', options: { alsoRun: ['DF023'] }, lines: [2] },
      { name: 'ignore with nothing after it', text: F + 'RUN true\n# bulkhead ignore=DF023 leftover', options: { alsoRun: ['DF023'] } },
      { name: 'one of two ids unused', text: F + '# bulkhead ignore=DF023,DF029 both?\nRUN apk add curl', options: { alsoRun: ['DF023', 'DF029'] } },
    ],
    clean: [
      { name: 'ignore that suppressed a finding', text: F + '# bulkhead ignore=DF023 cache mount in CI\nRUN apk add curl', options: { alsoRun: ['DF023'] } },
      { name: 'ignore without reason is DF032, not DF033', text: F + '# bulkhead ignore=DF023\nRUN apk add --no-cache curl', options: { alsoRun: ['DF023'] } },
    ],
  },
  DF034: {
    fires: [
      { name: 'Docker Hub image, only a private registry trusted', text: 'FROM node:22', options: { settings: { trustedRegistries: ['registry.example.com'] } } },
      { name: 'other namespace', text: 'FROM ghcr.io/evil/node:22', options: { settings: { trustedRegistries: ['ghcr.io/acme'] } } },
    ],
    clean: [
      { name: 'no trustedRegistries configured', text: 'FROM randomuser/tools:1' },
      { name: 'official image, docker.io/library trusted', text: 'FROM node:22', options: { settings: { trustedRegistries: ['docker.io/library'] } } },
      { name: 'trusted registry', text: 'FROM registry.example.com/base/node:22', options: { settings: { trustedRegistries: ['registry.example.com'] } } },
    ],
  },
  DF036: {
    fires: [{ name: 'unpinned', text: F + 'RUN apt-get install -y --no-install-recommends curl git=1:2.39.5-0+deb12u1' }],
    clean: [
      { name: 'all pinned', text: F + 'RUN apt-get install -y --no-install-recommends curl=8.5.0-2 git=1:2.39.5-0+deb12u1' },
      { name: 'local .deb', text: F + 'RUN apt-get install -y ./pkg.deb' },
    ],
  },
  DF037: {
    fires: [
      { name: 'npm ci with no USER on an official root image', text: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci', lines: [4] },
      { name: 'npm install after USER root', text: 'FROM node:22\nUSER node\nUSER root\nRUN npm install' },
      { name: 'yarn (bare) and pnpm install', text: 'FROM node:22\nRUN yarn && pnpm install --frozen-lockfile' },
      { name: 'npm i in a heredoc', text: 'FROM node:22\nRUN <<EOF\nset -e\nnpm i\nEOF', lines: [4] },
      { name: 'final stage FROM a build stage that ran as root', text: 'FROM node:22 AS base\nRUN true\nFROM base\nRUN npm ci' },
      { name: 'sudo npm', text: 'FROM node:22\nRUN sudo npm ci' },
    ],
    clean: [
      { name: 'after USER node', text: 'FROM node:22\nUSER node\nRUN npm ci' },
      { name: 'only in a build stage', text: 'FROM node:22 AS build\nRUN npm ci\nFROM node:22\nUSER node\nCOPY --from=build /app /app' },
      { name: '--ignore-scripts', text: 'FROM node:22\nRUN npm ci --ignore-scripts' },
      { name: 'npm run build is not an install', text: 'FROM node:22\nRUN npm run build && npm test' },
      { name: 'base image bulkhead cannot see (its USER may be non-root)', text: 'FROM acme/node-app:1\nRUN npm ci' },
      { name: 'inherits a non-root USER from an earlier stage', text: 'FROM node:22 AS base\nUSER node\nFROM base\nRUN npm ci' },
      { name: 'sudo -u node', text: 'FROM node:22\nRUN sudo -u node npm ci' },
      { name: 'yarn run is not install', text: 'FROM node:22\nRUN yarn run build' },
      { name: 'yarn --version smoke test (docker-node)', text: 'FROM debian:12\nRUN ln -s /opt/yarn/bin/yarn /usr/local/bin/yarn && yarn --version && npm --version' },
    ],
  },
  DF038: {
    fires: [
      { name: 'COPY heredoc settings.ini with a password', text: F + 'COPY <<EOF /etc/app/settings.ini\n[db]\npassword = 7lMGq2xZp9Rk4Tz8\nEOF', lines: [4] },
      { name: 'RUN heredoc that writes AWS credentials into a file', text: F + 'RUN <<EOF\nmkdir -p /root/.aws\ncat > /root/.aws/credentials <<EOT\n[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8h3kLmNp\nEOT\nEOF', lines: [6], severity: 'critical' },
      { name: 'RUN cat <<EOF > file on the first line', text: F + 'RUN cat <<EOF > /root/.aws/credentials\n[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8h3kLmNp\nEOF', lines: [4] },
      { name: 'echo of a provider key into a file', text: F + 'RUN echo "ghp_1234567890abcdefghijABCDEFGHIJ123456" > /root/.config/gh-token', lines: [2], severity: 'high' },
      { name: 'echo | tee', text: F + 'RUN echo "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" | tee /etc/slack.token' },
      { name: 'provider key in a command line', text: F + 'RUN curl -H "Authorization: token ghp_1234567890abcdefghijABCDEFGHIJ123456" https://api.github.com/x' },
      { name: 'config heredoc into a directory destination', text: F + 'COPY <<app.env /srv/\nDB_PASSWORD=Zq8wLm4vRt2xKp\napp.env' },
    ],
    clean: [
      { name: 'heredoc config without secrets', text: F + 'COPY <<EOF /etc/app/settings.ini\n[db]\nhost = db\nport = 5432\nEOF' },
      { name: 'password placeholder', text: F + 'COPY <<EOF /etc/app/settings.ini\npassword = changeme\nEOF' },
      { name: 'value from a variable', text: F + 'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc' },
      { name: 'a password name in a command is not file content', text: F + 'RUN useradd -m app && echo "DB_PASSWORD=$DB_PASSWORD" > /dev/null' },
      { name: 'heredoc fed to a program, not a file', text: F + 'RUN python3 <<EOF\nimport os\nprint(os.environ.get("TOKEN"))\nEOF' },
      { name: 'URL credentials are DF011', text: F + 'RUN git clone https://deploy:s3cr3tPassw0rd@git.example.com/org/app.git' },
      { name: 'a token as the URL user is DF011 too', text: F + 'RUN git clone https://ghp_1234567890abcdefghijABCDEFGHIJ123456@github.com/org/app.git' },
    ],
  },
  DF035: {
    fires: [{ name: 'pipe without pipefail', text: F + 'RUN wget -qO- https://x.example/a.tgz | tar xz' }],
    clean: [
      { name: 'SHELL with pipefail', text: F + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- https://x.example/a.tgz | tar xz' },
      { name: 'set -o pipefail', text: F + 'RUN set -o pipefail && wget -qO- https://x | tar xz' },
      { name: 'no pipe', text: F + 'RUN make' },
    ],
  },
};

describe.each(Object.entries(TABLE))('%s', (id, { fires, clean }) => {
  it.each(fires)('fires: $name', ({ text, options, lines, severity }) => {
    const found = findingsOf(id, text, options);
    expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.ruleId).toBe(id);
      expect(f.location?.path).toBe('Dockerfile');
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    if (lines) expect(found.map((f) => f.location?.line)).toEqual(lines);
    if (severity) expect(found.map((f) => f.severity)).toEqual(found.map(() => severity));
  });
  it.each(clean)('does not fire: $name', ({ text, options }) => {
    expect(findingsOf(id, text, options)).toEqual([]);
  });
});

it('every Dockerfile rule has cases that fire and cases that must not', () => {
  const missing = dockerfileRules.map((r) => r.meta.id).filter((id) => !TABLE[id] || TABLE[id].fires.length === 0 || TABLE[id].clean.length === 0);
  expect(missing).toEqual([]);
});

it('DF001 only informs when a distroless :nonroot or Chainguard base image supplies the user', () => {
  for (const base of ['gcr.io/distroless/static-debian12:nonroot', 'cgr.dev/chainguard/node:latest']) {
    const [f] = findingsOf('DF001', `FROM ${base}\nCOPY app /app`);
    expect(f?.severity, base).toBe('info');
  }
  expect(findingsOf('DF001', 'FROM gcr.io/distroless/static-debian12\nCOPY app /app')[0]?.severity).toBe('high');
});

describe('DF001 base-image data (src/audit/dockerfile/official-images.ts)', () => {
  it('every non-root official image is an official image, and no list repeats a name', () => {
    const official = new Set([...OFFICIAL_IMAGES, ...DEPRECATED_OFFICIAL_IMAGES]);
    expect(NONROOT_OFFICIAL_IMAGES.filter((n) => !official.has(n))).toEqual([]);
    for (const list of [OFFICIAL_IMAGES, DEPRECATED_OFFICIAL_IMAGES, NONROOT_OFFICIAL_IMAGES]) expect(new Set(list).size).toBe(list.length);
    expect(OFFICIAL_IMAGES.filter((n) => DEPRECATED_OFFICIAL_IMAGES.includes(n))).toEqual([]);
  });

  it('DF001 judges every listed official image: high when it runs as root, info when it sets a USER', () => {
    for (const name of [...OFFICIAL_IMAGES, ...DEPRECATED_OFFICIAL_IMAGES]) {
      const [f] = findingsOf('DF001', `FROM ${name}:1\nRUN x`);
      expect(f?.severity, name).toBe(NONROOT_OFFICIAL_IMAGES.includes(name) ? 'info' : 'high');
    }
  });
});
