//go:build linux

package main

import (
	"os"
	"syscall"
	"time"
)

// changeTime is a file's last status change (a rename sets it), or its
// modification time.
func changeTime(fi os.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec))
	}
	return fi.ModTime()
}
