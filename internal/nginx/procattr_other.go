//go:build !linux

package nginx

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }
