package proxies

import "syscall"

// procAttr has the kernel kill the proxy if the test binary dies without
// running its cleanups (a test timeout, a crash).
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
