package proxies

import "github.com/ssespec/ssespec/harness/procs"

// Listener reports whether process pid or one of its descendants listens
// on TCP port (mine), and whether any process does (anyone), from /proc;
// ok is false where /proc cannot tell (not Linux).
//
// A port picked free (freeAddr) is free only until the server started on
// it binds it: another test's server may take it first (the lanes of
// scripts/test run side by side), the server then cannot bind, and a
// readiness probe answered by that other server must not pass for it.
func Listener(pid, port int) (mine, anyone, ok bool) {
	holders, anyone, ok := procs.Listeners(port)
	for _, h := range holders {
		for p, depth := h, 0; p > 0 && depth < 64; p, depth = procs.Parent(p), depth+1 { // pid or a descendant, however deep
			if p == pid {
				return true, true, true
			}
		}
	}
	return false, anyone, ok
}
