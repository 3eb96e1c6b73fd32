package procs

import (
	"net"
	"os"
	"slices"
	"testing"
)

// TestListeners finds this process as its own port's listener, and no one
// once the port is closed.
func TestListeners(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	holders, listening, ok := Listeners(port)
	if !ok {
		t.Skip("no /proc/net/tcp here: not Linux")
	}
	if !listening || !slices.Contains(holders, os.Getpid()) {
		t.Errorf("holders %v, listening %v; want this process %d", holders, listening, os.Getpid())
	}
	if Parent(os.Getpid()) != os.Getppid() {
		t.Errorf("Parent: %d, want %d", Parent(os.Getpid()), os.Getppid())
	}
	ln.Close()
	if holders, listening, _ := Listeners(port); listening || len(holders) > 0 {
		t.Errorf("a closed port: holders %v, listening %v", holders, listening)
	}
}
