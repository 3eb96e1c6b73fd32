package refserver

import (
	"fmt"
	"time"
)

// tickLoop publishes demo events so observe mode has something to judge.
// It alternates an unnamed multi-line event with a named one, exercising
// both the message type and event-name matching.
func (s *Server) tickLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		ev := Event{Data: fmt.Sprintf("tick %d\nsecond line", n)}
		if n%2 == 0 {
			ev = Event{Event: "tick", Data: fmt.Sprintf("tick %d", n)}
		}
		if _, err := s.Publish(ev); err != nil {
			return
		}
	}
}
