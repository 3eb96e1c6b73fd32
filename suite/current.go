package suite

import (
	"net/http"
	"sync"
)

var current struct {
	sync.RWMutex
	cfg *Config
}

// SetConfig installs the configuration the checks of this run read.
func SetConfig(c Config) {
	current.Lock()
	defer current.Unlock()
	c = c.Defaults()
	current.cfg = &c
}

// Current is the configuration of the run in progress.
func Current() Config {
	current.RLock()
	defer current.RUnlock()
	if current.cfg == nil {
		return Config{}.Defaults()
	}
	return *current.cfg
}

// RequestHeader is the user's extra headers plus h (h wins).
func (c Config) RequestHeader(h http.Header) http.Header {
	out := c.Header.Clone()
	if out == nil {
		out = http.Header{}
	}
	for k, vs := range h {
		out[k] = vs
	}
	return out
}
