package proxies

import (
	"os"
	"strings"
)

// Varnish runs varnishd -F (foreground) with a VCL file, its working
// directory (-n) in the temp dir and no privilege separation (-j none).
// A VCL whose first line is "# varnishd: ARGS" passes ARGS too (run-time
// parameters such as send_timeout are not VCL).
var Varnish = &Kind{
	Name: "varnish", Bins: []string{"varnishd"}, Package: "varnish",
	Files: func(conf string) map[string]string { return map[string]string{"default.vcl": conf} },
	Args: func(dir, listen string) []string {
		args := []string{"-F", "-j", "none", "-n", dir + "/work", "-a", listen, "-f", dir + "/default.vcl",
			"-s", "malloc,32m", "-p", "thread_pools=1", "-p", "thread_pool_min=10"}
		if b, err := os.ReadFile(dir + "/default.vcl"); err == nil {
			first, _, _ := strings.Cut(string(b), "\n")
			if extra, ok := strings.CutPrefix(first, "# varnishd: "); ok {
				args = append(args, strings.Fields(extra)...)
			}
		}
		return args
	},
}

// VarnishStock is a first-written Varnish: a backend and nothing else
// (the built-in VCL: caching, streaming, Accept-Encoding normalised).
const VarnishStock = `vcl 4.1;

backend origin {
    .host = "{{upstream_host}}";
    .port = "{{upstream_port}}";
}
`

// VarnishRecipe is docs/proxies.md's Varnish configuration.
const VarnishRecipe = `# varnishd: -p send_timeout=86400
vcl 4.1;

backend origin {
    .host = "{{upstream_host}}";
    .port = "{{upstream_port}}";
    .between_bytes_timeout = 1h;
}

sub vcl_recv {
    if (req.url ~ "^/sse/") {
        return (pass);
    }
}

sub vcl_backend_response {
    if (beresp.http.Content-Type ~ "^text/event-stream") {
        set beresp.do_stream = true;
        set beresp.do_gzip = false;
        set beresp.uncacheable = true;
    }
}
`
