package proxies

import (
	"net"
	"os"
	"os/exec"
	"testing"
)

// TestListener tells a server's own listener from another process's.
func TestListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	mine, anyone, ok := Listener(os.Getpid(), port)
	if !ok {
		t.Skip("no /proc/net/tcp here: Listener cannot tell whose a port is")
	}
	if !mine || !anyone {
		t.Errorf("this process's listener: mine %v, anyone %v", mine, anyone)
	}
	// A child of another process does not own it (sleep: not a descendant
	// of itself that holds the socket).
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if mine, anyone, _ := Listener(cmd.Process.Pid, port); mine || !anyone {
		t.Errorf("another process's view: mine %v, anyone %v; want false, true", mine, anyone)
	}
	l.Close()
	if mine, anyone, _ := Listener(os.Getpid(), port); mine || anyone {
		t.Errorf("a closed port: mine %v, anyone %v", mine, anyone)
	}
}
