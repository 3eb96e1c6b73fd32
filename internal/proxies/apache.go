package proxies

// Apache runs apache2 -DFOREGROUND (its parent process in the foreground,
// so its PID stops it and its children) with its own httpd.conf: only the
// modules proxying needs, every path in the temp dir. (-X, one process,
// would cap it at 25 concurrent streams, which stock Apache does not.)
var Apache = &Kind{
	Name: "apache", Bins: []string{"apache2", "httpd"}, Package: "apache2-bin", Log: "error.log",
	Files: func(conf string) map[string]string { return map[string]string{"httpd.conf": apacheHead + conf} },
	Args:  func(dir, _ string) []string { return []string{"-DFOREGROUND", "-d", dir, "-f", dir + "/httpd.conf"} },
}

// apacheHead is what every configuration shares: event MPM, mod_proxy,
// and (as root) an unprivileged user, as Debian's own configuration has.
const apacheHead = `ServerRoot {{dir}}
ServerName 127.0.0.1
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
LoadModule deflate_module /usr/lib/apache2/modules/mod_deflate.so
LoadModule filter_module /usr/lib/apache2/modules/mod_filter.so
User nobody
Group nogroup
PidFile {{dir}}/httpd.pid
ErrorLog {{dir}}/error.log
DefaultRuntimeDir {{dir}}
Mutex file:{{dir}} default
Listen {{listen}}
`

// ApacheStock is a first-written reverse proxy, with Debian's default
// mod_deflate filter on (deflate.conf compresses text/* but not
// text/event-stream, and is loaded by default).
const ApacheStock = `AddOutputFilterByType DEFLATE text/html text/plain text/xml text/css application/javascript
ProxyPass "/sse/" "http://{{upstream}}/sse/"
ProxyPassReverse "/sse/" "http://{{upstream}}/sse/"
`

// ApacheRecipe is docs/proxies.md's Apache configuration.
const ApacheRecipe = `<Location "/sse/">
    ProxyPass "http://{{upstream}}/sse/" flushpackets=on timeout=3600
    ProxyPassReverse "http://{{upstream}}/sse/"
    SetEnv no-gzip 1
</Location>
`
