package proxies

import "strings"

// Nginx runs nginx as a single foreground process (so its PID is all there
// is to stop) with every path — pid file, logs, temp dirs — under the temp
// dir. Its configurations are the directives of location / (NginxStock,
// NginxTuned or your own); NginxConf wraps them into the nginx.conf.
var Nginx = &Kind{
	Name: "nginx", Bins: []string{"nginx"}, Package: "nginx-light",
	Files: func(location string) map[string]string { return map[string]string{"nginx.conf": NginxConf(location)} },
	Args: func(dir, _ string) []string {
		return []string{"-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"}
	},
	Log: "error.log",
}

// NginxStock is a location with nothing but proxy_pass: nginx's defaults,
// among them proxy_buffering on and HTTP/1.0 to the upstream.
const NginxStock = `proxy_pass http://{{upstream}};`

// NginxTuned is the SSE-tuned location docs/proxies.md recommends (the
// tests prove it passes every PROXY check).
const NginxTuned = `proxy_pass http://{{upstream}};
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_buffering off;
proxy_cache off;
proxy_read_timeout 1h;`

// NginxConf is the whole nginx.conf template: one server on {{listen}}
// whose location / holds location, every path under {{dir}}.
func NginxConf(location string) string {
	indent := "      " + strings.ReplaceAll(strings.TrimSpace(location), "\n", "\n      ")
	return `daemon off;
master_process off;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path {{dir}}/body;
  proxy_temp_path {{dir}}/proxy;
  fastcgi_temp_path {{dir}}/fastcgi;
  uwsgi_temp_path {{dir}}/uwsgi;
  scgi_temp_path {{dir}}/scgi;
  server {
    listen {{listen}};
    location / {
` + indent + `
    }
  }
}
`
}
