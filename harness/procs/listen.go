// Package procs reads Linux's /proc for who listens on a TCP port: a proxy
// on this machine is found by its listening socket.
package procs

import (
	"strconv"

	"github.com/prometheus/procfs"
)

// Listeners returns the processes holding a socket that listens on TCP
// port, IPv4 or IPv6 (a proxy's master and its workers; only those whose
// file descriptors this process may read: the same user, or root).
// listening says whether any socket listens there, readable or not; ok is
// false where /proc cannot tell (not Linux).
func Listeners(port int) (holders []int, listening, ok bool) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return nil, false, false
	}
	inodes := map[string]bool{}
	//lint:ignore SA1019 /proc/net/tcp is all this needs (a listening socket's inode); netlink's sock_diag would bring a library and a protocol for the same
	for _, read := range []func() (procfs.NetTCP, error){fs.NetTCP, fs.NetTCP6} {
		lines, err := read()
		if err != nil {
			continue
		}
		ok = true
		for _, l := range lines {
			if l.St == 0x0A && l.LocalPort == uint64(port) { // 0A: LISTEN
				inodes["socket:["+strconv.FormatUint(l.Inode, 10)+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return nil, false, ok
	}
	procs, _ := fs.AllProcs()
	for _, p := range procs {
		targets, _ := p.FileDescriptorTargets()
		for _, t := range targets {
			if inodes[t] {
				holders = append(holders, p.PID)
				break
			}
		}
	}
	return holders, true, true
}

// Parent is pid's parent process, -1 when it cannot be read.
func Parent(pid int) int {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return -1
	}
	st, err := p.Stat()
	if err != nil {
		return -1
	}
	return st.PPID
}
