package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// caught is the first signal that asked the run to stop: the exit status
// (128+signal) and the reports say so, so an interrupted run never passes.
var caught struct {
	sync.Mutex
	sig syscall.Signal
}

// watchSignals cancels ctx on SIGINT, SIGTERM or SIGHUP and remembers the
// signal. Ginkgo interrupts the running checks on SIGINT and SIGTERM by
// itself (then reports and cleans up: browser, profile directory); SIGHUP,
// which it ignores and which would kill the process uncleanly, is passed
// on as SIGINT.
func watchSignals(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				sig, _ := s.(syscall.Signal)
				caught.Lock()
				first := caught.sig == 0
				if first {
					caught.sig = sig
				}
				caught.Unlock()
				cancel()
				if first && sig == syscall.SIGHUP {
					syscall.Kill(os.Getpid(), syscall.SIGINT)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, func() { signal.Stop(ch); close(done); cancel() }
}

// caughtSignal is the signal that cut the run short, or 0.
func caughtSignal() syscall.Signal {
	caught.Lock()
	defer caught.Unlock()
	return caught.sig
}

// signalName is the report's name for sig ("SIGINT"), or "".
func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case 0:
		return ""
	}
	return sig.String()
}
