package proxies

// HAProxy runs haproxy -db (foreground, one process).
var HAProxy = &Kind{
	Name: "haproxy", Bins: []string{"haproxy"}, Package: "haproxy",
	Files: func(conf string) map[string]string { return map[string]string{"haproxy.cfg": conf} },
	Args:  func(dir, _ string) []string { return []string{"-db", "-f", dir + "/haproxy.cfg"} },
}

// haproxyHead is the part every HAProxy configuration here shares; the
// timeouts are the first-written ones (HAProxy warns without them).
const haproxyHead = `global
    pidfile {{dir}}/haproxy.pid
defaults
    mode http
    timeout connect 5s
    timeout client  1h
    timeout server  1h
`

// HAProxyStock is a first-written HAProxy: one frontend, one backend.
const HAProxyStock = haproxyHead + `frontend web
    bind {{listen}}
    default_backend app
backend app
    server origin {{upstream}}
`

// HAProxyRecipe is docs/proxies.md's HAProxy configuration.
const HAProxyRecipe = haproxyHead + `frontend web
    bind {{listen}}
    option http-no-delay
    default_backend app
backend app
    server origin {{upstream}}
`

// HAProxyCompress is the recipe with compression that includes
// text/event-stream: what SSE-PROXY-009 must catch.
const HAProxyCompress = haproxyHead + `frontend web
    bind {{listen}}
    option http-no-delay
    default_backend app
backend app
    compression algo gzip
    compression type text/html text/plain text/event-stream
    server origin {{upstream}}
`
