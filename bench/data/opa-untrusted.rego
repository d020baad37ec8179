# The bench's anchor policy for opa-docker-authz (Rego v1): the create checks of bulkhead's
# `untrusted` policy that the bench's bodies exercise, written the way an operator writes them
# for that plugin. Not a port of every bulkhead rule: a like-for-like cost of a decision.
package docker.authz

default allow := false

is_create if glob.match("/**/containers/create", ["/"], input.PathPlain)

allow if not is_create

allow if {
	is_create
	count(deny) == 0
}

host_config := object.get(input, ["Body", "HostConfig"], {})

deny contains "privileged" if host_config.Privileged

deny contains "host namespace" if {
	some key in ["PidMode", "IpcMode", "UTSMode", "UsernsMode", "NetworkMode"]
	object.get(host_config, key, "") == "host"
}

deny contains "capability added" if {
	some cap in object.get(host_config, "CapAdd", [])
	cap != "NET_BIND_SERVICE"
}

deny contains "capabilities not dropped" if not "ALL" in object.get(host_config, "CapDrop", [])

deny contains "seccomp unconfined" if {
	some opt in object.get(host_config, "SecurityOpt", [])
	startswith(opt, "seccomp")
	contains(opt, "unconfined")
}

deny contains "no-new-privileges missing" if not "no-new-privileges" in object.get(host_config, "SecurityOpt", [])

deny contains "root user" if {
	user := object.get(input, ["Body", "User"], "")
	user in {"", "0", "root"}
}

deny contains "root user" if startswith(object.get(input, ["Body", "User"], ""), "0:")

deny contains "writable root" if not host_config.ReadonlyRootfs

deny contains "no memory limit" if object.get(host_config, "Memory", 0) == 0

deny contains "no pids limit" if object.get(host_config, "PidsLimit", 0) <= 0

deny contains "sensitive bind" if {
	some m in input.BindMounts
	some p in ["/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/lib/docker", "/run", "/var/run"]
	m.Resolved == p
}

deny contains "socket bind" if {
	some m in input.BindMounts
	endswith(m.Source, ".sock")
}
