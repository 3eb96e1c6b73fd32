package faults

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
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

// Handler returns the named fault server's handler.
func Handler(name string) http.Handler {
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
