package proxies

// Caddy runs caddy run with a Caddyfile, its state under the temp dir.
var Caddy = &Kind{
	Name: "caddy", Bins: []string{"caddy"}, Package: "caddy",
	Files: func(conf string) map[string]string { return map[string]string{"Caddyfile": conf} },
	Args: func(dir, _ string) []string {
		return []string{"run", "--config", dir + "/Caddyfile", "--adapter", "caddyfile", "--pidfile", dir + "/caddy.pid"}
	},
	Env: func(dir string) []string {
		return []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir + "/data", "XDG_CONFIG_HOME=" + dir + "/config"}
	},
}

// caddyHead keeps Caddy off the admin port and off HTTPS (plain loopback).
const caddyHead = `{
	admin off
	auto_https off
}
`

// CaddyStock is a first-written Caddy reverse proxy.
const CaddyStock = caddyHead + `http://{{listen}} {
	reverse_proxy {{upstream}}
}
`

// CaddyRecipe is docs/proxies.md's Caddy configuration.
const CaddyRecipe = caddyHead + `http://{{listen}} {
	handle /sse/* {
		reverse_proxy {{upstream}} {
			flush_interval -1
		}
	}
}
`

// CaddyEncode is a site that compresses everything: the encode directive
// on the SSE route.
const CaddyEncode = caddyHead + `http://{{listen}} {
	encode gzip zstd
	reverse_proxy {{upstream}}
}
`
