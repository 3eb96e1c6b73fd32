package faults

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
)

var registry = struct {
	sync.Mutex
	m map[string]http.Handler
}{m: map[string]http.Handler{}}

// register adds a named fault; names are what tests and fixtures use.
func register(name string, h http.Handler) bool {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[name]; dup {
		panic("fault registered twice: " + name)
	}
	registry.m[name] = h
	return true
}

// Handler returns the named fault server's handler, for one server: serve
// it once. The faults keep their state (event history, sequence numbers,
// quotas) per request Host, and the tests run many suites in one process,
// so a port the kernel hands out again must not inherit a closed server's
// state: each handler returned here adds a key of its own to the Host its
// fault sees.
func Handler(name string) http.Handler {
	h := registered(name)
	id := handlers.Add(1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		own := r.WithContext(r.Context()) // handlers must not change the request they get
		own.Host = fmt.Sprintf("%s#%d", r.Host, id)
		h.ServeHTTP(w, own)
	})
}

var handlers atomic.Int64

// registered is the named fault's handler as registered.
func registered(name string) http.Handler {
	registry.Lock()
	defer registry.Unlock()
	h, ok := registry.m[name]
	if !ok {
		panic(fmt.Sprintf("no fault named %q", name))
	}
	return h
}

// Names lists every fault.
func Names() []string {
	registry.Lock()
	defer registry.Unlock()
	var out []string
	for n := range registry.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
