package main

import (
	"bytes"
	"sync"
)

// webSyncBuf is a bytes.Buffer safe for concurrent writes and reads.
type webSyncBuf struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (s *webSyncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *webSyncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
