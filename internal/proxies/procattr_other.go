//go:build !linux

package proxies

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }
