package proxies

// Squid runs squid -N (no daemon) as an accelerator (reverse proxy). As
// root it drops to its cache_effective_user, so its dir is shared.
var Squid = &Kind{
	Name: "squid", Bins: []string{"squid"}, Package: "squid", SharedDir: true, Log: "cache.log",
	Files: func(conf string) map[string]string { return map[string]string{"squid.conf": conf} },
	Args:  func(dir, _ string) []string { return []string{"-N", "-f", dir + "/squid.conf"} },
}

// squidHead keeps every file Squid writes in the temp dir, and no disk
// cache.
const squidHead = `pid_filename {{dir}}/squid.pid
cache_log {{dir}}/cache.log
access_log none
coredump_dir {{dir}}
cache_mem 8 MB
shutdown_lifetime 0 seconds
`

// SquidRecipe is docs/proxies.md's Squid configuration.
const SquidRecipe = squidHead + `http_port {{listen}} accel no-vhost defaultsite=example.com
cache_peer {{upstream_host}} parent {{upstream_port}} 0 no-query originserver name=origin
acl sse urlpath_regex ^/sse/
cache deny sse
cache_peer_access origin allow sse
http_access allow sse
http_access deny all
read_timeout 1 hour
`
