package suite

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
)

// A check abandoned after its timeout and grace period may still be running.
// The verdict helpers take no context and find the check in progress
// through `active`, so without this the abandoned body's late Failf,
// Evidence or Cleanup would land in whichever check runs next. The helpers
// tell the abandoned bodies apart by goroutine ID (the only identity a
// context-free call has); the set is empty, and no ID is looked up, unless a
// check was abandoned.
var abandoned struct {
	sync.Mutex
	ids map[uint64]bool
}

// goid is the calling goroutine's ID, from the header runtime.Stack writes
// ("goroutine 42 [running]:").
func goid() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}

// abandon marks the body goroutine id as abandoned until done delivers its
// late verdict, which nobody reads any more.
func abandon(id uint64, done <-chan stop) {
	if id == 0 {
		return // no ID read: marking 0 would silence every goroutine
	}
	active.Lock() // see owner
	defer active.Unlock()
	abandoned.Lock()
	if abandoned.ids == nil {
		abandoned.ids = map[uint64]bool{}
	}
	abandoned.ids[id] = true
	abandoned.Unlock()
	go func() {
		<-done
		abandoned.Lock()
		delete(abandoned.ids, id)
		abandoned.Unlock()
	}()
}

// inAbandoned reports whether the caller is the body of an abandoned check.
func inAbandoned() bool {
	abandoned.Lock()
	defer abandoned.Unlock()
	if len(abandoned.ids) == 0 {
		return false
	}
	return abandoned.ids[goid()]
}
