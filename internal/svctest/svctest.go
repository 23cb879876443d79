// Package svctest starts the servers the cluster tests need — their own
// nats-server (JetStream) and redis-server (append-only) on free loopback
// ports, so a test can stop and restart them. A test never skips when a
// binary is missing: it fails and says how to install it.
package svctest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The binaries the tests run; PATH is searched when they are elsewhere.
const (
	natsBin  = "/usr/sbin/nats-server"
	redisBin = "/usr/bin/redis-server"
)

func binary(t testing.TB, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if p, err := exec.LookPath(filepath.Base(path)); err == nil {
		return p
	}
	t.Fatalf("%s is not installed: the cluster tests start their own server (apt-get install %s)", filepath.Base(path), pkg)
	return ""
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// server is a spawned server process that can be stopped and started again
// on the same port and data folder.
type Server struct {
	t    testing.TB
	name string
	args []string
	bin  string
	port int
	cmd  *exec.Cmd
	log  bytes.Buffer
}

// Start starts the server (again).
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = &s.log, &s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start %s: %v", s.name, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s did not start on port %d: %s", s.name, s.port, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server with SIGTERM (Redis writes its append-only file)
// and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// StartNATS starts a nats-server with JetStream and returns its URL.
func StartNATS(t testing.TB) (*Server, string) {
	t.Helper()
	port := freePort(t)
	s := &Server{t: t, name: "nats-server", bin: binary(t, natsBin, "nats-server"), port: port,
		args: []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", t.TempDir()}}
	s.Start()
	t.Cleanup(s.Stop)
	return s, fmt.Sprintf("nats://127.0.0.1:%d", port)
}

// StartRedis starts a redis-server with an append-only file (fsync always)
// and returns its address.
func StartRedis(t testing.TB) (*Server, string) {
	t.Helper()
	port := freePort(t)
	s := &Server{t: t, name: "redis-server", bin: binary(t, redisBin, "redis-server"), port: port,
		args: []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always",
			"--save", "", "--dir", t.TempDir()}}
	s.Start()
	t.Cleanup(s.Stop)
	return s, fmt.Sprintf("127.0.0.1:%d", port)
}

// FreePort returns a free loopback port.
func FreePort(t testing.TB) int { return freePort(t) }

// CPUTime returns the user and system CPU time the running server process
// has used (Linux; 0 elsewhere or when it cannot be read).
func (s *Server) CPUTime() time.Duration {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses): utime and
	// stime are the 14th and 15th fields of the line, in clock ticks.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(string(f[11]), 10, 64)
	st, _ := strconv.ParseInt(string(f[12]), 10, 64)
	return time.Duration(u+st) * time.Second / 100 // USER_HZ is 100 on Linux
}
