package suite

import (
	"sync"

	"github.com/ssespec/ssespec/harness/stream"
)

// Recordings are kept once per run and referenced by name from the checks'
// evidence, so twenty checks judging one stream do not copy it twenty times.
var recordings = struct {
	sync.Mutex
	byName map[string]*stream.Recording
	order  []string
}{byName: map[string]*stream.Recording{}}

// AttachRecording adds rec to the run's recordings under name (once) and
// references it from the current check's evidence.
func AttachRecording(name string, rec *stream.Recording) {
	if _, gone := owner(); gone {
		return // an abandoned check's: after a reset, another run's list
	}
	recordings.Lock()
	if _, ok := recordings.byName[name]; !ok {
		recordings.byName[name] = rec
		recordings.order = append(recordings.order, name)
	}
	recordings.Unlock()
	Evidence("recording", name)
}

// Recordings returns the run's recordings in the order first attached.
func Recordings() (names []string, byName map[string]*stream.Recording) {
	recordings.Lock()
	defer recordings.Unlock()
	byName = make(map[string]*stream.Recording, len(recordings.byName))
	for k, v := range recordings.byName {
		byName[k] = v
	}
	return append([]string(nil), recordings.order...), byName
}
