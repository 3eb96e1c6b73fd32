package suite

import (
	"context"
	"sync"

	"github.com/ssespec/ssespec/harness/stream"
)

// Recordings are kept once per run and referenced by name from the checks'
// evidence, so twenty checks judging one stream do not copy it twenty times.
type runRecordings struct {
	sync.Mutex
	byName map[string]*stream.Recording
	order  []string
}

// AttachRecording adds rec to the run's recordings under name (once) and
// references it from the evidence of the check ctx belongs to.
func AttachRecording(ctx context.Context, name string, rec *stream.Recording) {
	if c := checkOf(ctx); c != nil {
		c.Lock()
		closed := c.closed
		c.Unlock()
		if closed {
			return // an abandoned check's: its run's report may be written already
		}
	}
	rs := &runOf(ctx).recordings
	rs.Lock()
	if rs.byName == nil {
		rs.byName = map[string]*stream.Recording{}
	}
	if _, ok := rs.byName[name]; !ok {
		rs.byName[name] = rec
		rs.order = append(rs.order, name)
	}
	rs.Unlock()
	Evidence(ctx, "recording", name)
}

// recorded returns the run's recordings in the order first attached.
func (r *Run) recorded() (names []string, byName map[string]*stream.Recording) {
	rs := &r.recordings
	rs.Lock()
	defer rs.Unlock()
	byName = make(map[string]*stream.Recording, len(rs.byName))
	for k, v := range rs.byName {
		byName[k] = v
	}
	return append([]string(nil), rs.order...), byName
}
