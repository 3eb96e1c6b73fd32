package faults

import "time"

// SSE-CONN-004: what a new connection makes the streams already open receive.
var (
	// One library re-broadcasts its "initial" events (a welcome and the
	// recent history) to every client on each connect, so every open
	// stream gets them again whenever anyone connects.
	_ = register("initial-to-all-on-connect", &Broker{Tick: connTick, Keepalive: -1, Welcome: connWelcome, WelcomeToAll: true}) // SSE-CONN-004
	// The correct version: the welcome goes to the new client only.
	_ = register("welcome-to-new-only", &Broker{Tick: connTick, Keepalive: -1, Welcome: connWelcome}) // SSE-CONN-004 (pass)
)

// The CONN-004 servers tick every 200 ms on their own and greet each new
// stream; the fault greets (and repeats recent ticks to) every open one.
const (
	connTick    = 200 * time.Millisecond
	connWelcome = "event: init\ndata: welcome\n\n"
)
