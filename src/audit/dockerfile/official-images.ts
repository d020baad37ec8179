/**
 * Docker Hub's official images: bases whose configuration is public and known, so DF001 can
 * say what their USER is. Anything else (`bats-jenkins` built locally, `org/app`, a private
 * registry) is an image bulkhead cannot see from a Dockerfile.
 *
 * Source: the file names under library/ in github.com/docker-library/official-images,
 * commit 37079fb336f572a88700cf32e5e1f6be54a04e8f (2026-08-21), read 2026-12-04; plus
 * deprecated official images that are still pulled (DEPRECATED_OFFICIAL_IMAGES).
 */
export const OFFICIAL_IMAGES: readonly string[] = ['adminer', 'aerospike', 'almalinux', 'alpine', 'alt', 'amazoncorretto', 'amazonlinux', 'api-firewall', 'arangodb', 'archlinux', 'azul-zulu', 'backdrop', 'bash', 'bonita', 'buildpack-deps', 'busybox', 'caddy', 'cassandra', 'chronograf', 'cirros', 'clearlinux', 'clefos', 'clickhouse', 'clojure', 'composer', 'convertigo', 'couchbase', 'couchdb', 'crate', 'dart', 'debian', 'docker', 'drupal', 'eclipse-mosquitto', 'eclipse-temurin', 'eggdrop', 'elasticsearch', 'elixir', 'emqx', 'erlang', 'espocrm', 'fedora', 'flink', 'fluentd', 'friendica', 'gazebo', 'gcc', 'geonetwork', 'ghost', 'golang', 'gradle', 'groovy', 'haproxy', 'haskell', 'haxe', 'hello-world', 'hitch', 'httpd', 'hylang', 'ibm-semeru-runtimes', 'ibmjava', 'influxdb', 'irssi', 'jetty', 'joomla', 'jruby', 'julia', 'kapacitor', 'kibana', 'kong', 'krakend', 'lightstreamer', 'liquibase', 'logstash', 'mageia', 'mariadb', 'matomo', 'maven', 'mediawiki', 'memcached', 'mongo', 'mongo-express', 'monica', 'mysql', 'nats', 'neo4j', 'neurodebian', 'nextcloud', 'nginx', 'nim', 'node', 'notary', 'odoo', 'open-liberty', 'openjdk', 'oraclelinux', 'orientdb', 'percona', 'perl', 'photon', 'php', 'php-zendserver', 'phpmyadmin', 'plone', 'postfixadmin', 'postgres', 'pypy', 'python', 'r-base', 'rabbitmq', 'rakudo-star', 'redis', 'redmine', 'registry', 'rethinkdb', 'rocket.chat', 'rockylinux', 'ros', 'ruby', 'rust', 'sapmachine', 'satosa', 'silverpeas', 'solr', 'sonarqube', 'spark', 'spiped', 'storm', 'swift', 'swipl', 'teamspeak', 'telegraf', 'tomcat', 'tomee', 'traefik', 'ubuntu', 'unit', 'varnish', 'websphere-liberty', 'wordpress', 'xwiki', 'yourls', 'znc', 'zookeeper'];

/** Deprecated official images, no longer in library/ but still on Docker Hub (they run as root). */
export const DEPRECATED_OFFICIAL_IMAGES: readonly string[] = ['centos', 'java', 'jenkins', 'iojs', 'django', 'rails', 'celery', 'opensuse', 'sentry', 'owncloud', 'piwik', 'ubuntu-debootstrap', 'glassfish', 'jobber', 'kaazing-gateway', 'mono', 'nuxeo', 'sl', 'thrift'];

/**
 * Official images whose own Dockerfile ends with a non-root USER: a final stage FROM them
 * without a USER does not run as root. Written from the upstream projects' Dockerfiles (the
 * GitRepo of library/<name>) as remembered, not machine-checked: DF001 only informs on these
 * (info), so an entry that is wrong hides nothing silently.
 */
export const NONROOT_OFFICIAL_IMAGES: readonly string[] = ['elasticsearch', 'kibana', 'logstash', 'sonarqube', 'solr', 'odoo', 'rocket.chat', 'jetty', 'open-liberty', 'websphere-liberty', 'teamspeak', 'spark', 'kong', 'liquibase', 'emqx', 'irssi', 'notary', 'jenkins'];

/** Docker Hub namespaces that republish the official images per architecture (arm64v8/debian, ...). */
export const OFFICIAL_ARCH_NAMESPACES: readonly string[] = ['amd64', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'mips64le', 'ppc64le', 'riscv64', 's390x', 'windows-amd64'];

/** Registries other than Docker Hub whose images are published with a known config (root unless the tag says nonroot). */
export const KNOWN_REGISTRY_PREFIXES: readonly string[] = ['gcr.io/distroless/', 'mcr.microsoft.com/', 'registry.access.redhat.com/ubi', 'registry.redhat.io/ubi', 'public.ecr.aws/docker/library/', 'docker.io/library/', 'index.docker.io/library/'];
