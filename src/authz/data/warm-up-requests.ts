/**
 * Plugin requests the warm-up decides (src/authz/warm-up.ts), as dockerd sends them: the body of
 * a create is what docker CLI 28 sends for `docker run --rm --user 65534:65534 --cap-drop ALL
 * --read-only --memory 64m --cpus 0.5 --pids-limit 64 --security-opt no-new-privileges
 * --network none IMAGE true`, once as is and once with --privileged and the engine socket
 * mounted, so the allow and the deny paths both run. Never sent anywhere.
 */

const HOST_CONFIG = {
  Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'none', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  AutoRemove: true, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: ['ALL'], CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [],
  ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: true,
  SecurityOpt: ['no-new-privileges'], UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 67108864, NanoCpus: 500000000, CgroupParent: '',
  BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0,
  CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0,
  MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: 64, Ulimits: [], CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
  MaskedPaths: null, ReadonlyPaths: null,
};

const CREATE = {
  Hostname: '', Domainname: '', User: '65534:65534', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: ['APP_MODE=warm-up'], Cmd: ['true'], Image: 'warm-up.invalid/image:1', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: HOST_CONFIG,
  NetworkingConfig: { EndpointsConfig: {} },
};

const PRIVILEGED_CREATE = { ...CREATE, HostConfig: { ...HOST_CONFIG, Privileged: true, Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } };

interface SampleRequest {
  method: string;
  uri: string;
  body?: unknown;
}

/** Index in WARM_UP_REQUESTS of the privileged create with the engine socket: a policy that allows it protects nothing. */
export const PRIVILEGED_SAMPLE = 1;

export const WARM_UP_REQUESTS: readonly SampleRequest[] = [
  { method: 'POST', uri: '/v1.41/containers/create?name=warm-up', body: CREATE },
  { method: 'POST', uri: '/v1.41/containers/create?name=warm-up', body: PRIVILEGED_CREATE },
  { method: 'GET', uri: '/v1.41/containers/json?all=1' },
  { method: 'POST', uri: '/v1.41/containers/0123456789ab/start' },
  { method: 'POST', uri: '/v1.41/containers/0123456789ab/exec', body: { User: '', Privileged: false, Tty: false, AttachStdin: false, AttachStdout: true, AttachStderr: true, Cmd: ['true'] } },
];

/** Each sample as the bytes of dockerd's AuthZReq (pkg/authorization/api.go: the body base64, as Go encodes a []byte). */
export function warmUpPayloads(): Buffer[] {
  return WARM_UP_REQUESTS.map((r) => {
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    return Buffer.from(
      JSON.stringify({
        User: '',
        UserAuthNMethod: '',
        RequestMethod: r.method,
        RequestUri: r.uri,
        ...(body === undefined ? {} : { RequestBody: Buffer.from(body).toString('base64') }),
        RequestHeaders: { 'Content-Type': 'application/json', 'User-Agent': 'Docker-Client/28.2.2 (linux)', ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) },
      }),
    );
  });
}
