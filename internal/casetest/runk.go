package casetest

import (
	"sync"
	"testing"
)

// RunK runs fn as a subtest per name, k at a time. The subtests are not
// t.Parallel: one waiting for a turn would hold one of go test's -parallel
// slots, and two tables sharing the slots would run one after the other.
// t.Run may be called from several goroutines at once.
func RunK(t *testing.T, k int, names []string, fn func(t *testing.T, name string)) {
	var wg sync.WaitGroup
	todo := make(chan string)
	for range k {
		wg.Go(func() {
			for name := range todo {
				t.Run(name, func(t *testing.T) { fn(t, name) })
			}
		})
	}
	for _, n := range names {
		todo <- n
	}
	close(todo)
	wg.Wait()
}
