package proxies

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Listener reports whether process pid or one of its descendants listens
// on TCP port (mine), and whether any process does (anyone), from /proc;
// ok is false where /proc cannot tell (not Linux).
//
// A port picked free (freeAddr) is free only until the server started on
// it binds it: another test's server may take it first (the lanes of
// scripts/test run side by side), the server then cannot bind, and a
// readiness probe answered by that other server must not pass for it.
func Listener(pid, port int) (mine, anyone, ok bool) {
	inodes := listenInodes(port)
	if inodes == nil {
		return false, false, false
	}
	if len(inodes) == 0 {
		return false, false, true
	}
	tree := map[int]bool{pid: true}
	parents := map[int]int{}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, proc := range procs {
		if p, err := strconv.Atoi(filepath.Base(proc)); err == nil {
			parents[p] = parentOf(proc)
		}
	}
	for grew := true; grew; { // descendants, however deep
		grew = false
		for p, pp := range parents {
			if !tree[p] && tree[pp] {
				tree[p], grew = true, true
			}
		}
	}
	for p := range tree {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", p))
		for _, fd := range fds {
			if l, err := os.Readlink(fd); err == nil && inodes[l] {
				return true, true, true
			}
		}
	}
	return false, true, true
}

// listenInodes is the "socket:[inode]" of each TCP socket listening on
// port; nil when /proc/net/tcp cannot be read.
func listenInodes(port int) map[string]bool {
	var inodes map[string]bool
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		if inodes == nil {
			inodes = map[string]bool{}
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			// sl local_address rem_address st ... uid timeout inode
			fs := strings.Fields(sc.Text())
			if len(fs) < 10 || fs[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, found := strings.Cut(fs[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); found && err == nil && int(p) == port {
				inodes["socket:["+fs[9]+"]"] = true
			}
		}
		fh.Close()
	}
	return inodes
}

// parentOf is the ppid field of proc's stat, -1 when unreadable.
func parentOf(proc string) int {
	b, err := os.ReadFile(proc + "/stat")
	if err != nil {
		return -1
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return -1
	}
	var state string
	var ppid int
	if _, err := fmt.Sscan(string(b[i+1:]), &state, &ppid); err != nil {
		return -1
	}
	return ppid
}
