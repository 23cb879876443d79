package crawl

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// captureHeader carries a fetch's capture ID from fetch through colly to
// captureTransport, which removes it before the request is sent. Go's
// client copies it to redirect requests, so every hop is captured.
const captureHeader = "X-Redthread-Capture"

// exchange is one HTTP request and its response, as the bytes went over
// the connection (TLS decrypted): what WARC request and response records
// hold.
type exchange struct {
	mu   sync.Mutex
	url  string
	at   time.Time
	ip   string
	req  []byte
	resp []byte
	max  int
}

func (x *exchange) add(dst *[]byte, p []byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(*dst)+len(p) > x.max {
		p = p[:max(0, x.max-len(*dst))]
	}
	*dst = append(*dst, p...)
}

// snapshot returns copies of the request and response bytes, and the
// server's address.
func (x *exchange) snapshot() (req, resp []byte, ip string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]byte(nil), x.req...), append([]byte(nil), x.resp...), x.ip
}

// recConn records what goes over a connection into the exchange it
// currently serves. HTTP/1.1 without pipelining (what net/http does)
// carries one exchange at a time, and the server sends nothing between
// responses, so the bytes between two requests are one response.
type recConn struct {
	net.Conn
	mu sync.Mutex
	ex *exchange
}

func (c *recConn) attach(x *exchange) {
	c.mu.Lock()
	c.ex = x
	c.mu.Unlock()
	if x != nil {
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			x.mu.Lock()
			x.ip = a.IP.String()
			x.mu.Unlock()
		}
	}
}

func (c *recConn) current() *exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ex
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if x := c.current(); x != nil && n > 0 {
		x.add(&x.resp, p[:n])
	}
	return n, err
}

func (c *recConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if x := c.current(); x != nil && n > 0 {
		x.add(&x.req, p[:n])
	}
	return n, err
}

// captureTransport records the exchanges of requests that carry
// captureHeader, for fetch to take with take.
type captureTransport struct {
	rt   http.RoundTripper
	max  int // bytes kept per direction
	next atomic.Int64
	mu   sync.Mutex
	got  map[string][]*exchange
}

func newCaptureTransport(rt http.RoundTripper, maxBytes int64) *captureTransport {
	return &captureTransport{rt: rt, max: int(maxBytes) + 1<<20, got: map[string][]*exchange{}}
}

// newID returns a capture ID for one fetch.
func (c *captureTransport) newID() string { return strconv.FormatInt(c.next.Add(1), 10) }

// take returns and forgets the exchanges of a fetch, oldest first.
func (c *captureTransport) take(id string) []*exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	x := c.got[id]
	delete(c.got, id)
	return x
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	id := r.Header.Get(captureHeader)
	var x *exchange
	if id != "" {
		x = &exchange{url: r.URL.String(), at: time.Now().UTC(), max: c.max}
		c.mu.Lock()
		c.got[id] = append(c.got[id], x)
		c.mu.Unlock()
	}
	// Every request attaches its exchange (or none) to the connection it
	// gets, so a reused connection never records into an old exchange.
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if rc, ok := info.Conn.(*recConn); ok {
			rc.attach(x)
		}
	}}
	r = r.Clone(httptrace.WithClientTrace(r.Context(), trace))
	r.Header.Del(captureHeader)
	return c.rt.RoundTrip(r)
}

// recordingDialers returns dial functions whose connections are recConns:
// plain TCP, and TLS with HTTP/1.1 only (WARC records hold HTTP/1.1
// messages; HTTP/2 frames are not what archives and their readers expect).
func recordingDialers(d *net.Dialer) (dial, dialTLS func(ctx context.Context, network, addr string) (net.Conn, error)) {
	dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &recConn{Conn: conn}, nil
	}
	dialTLS = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		tc := tls.Client(conn, &tls.Config{ServerName: host, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
		hctx, cancel := context.WithTimeout(ctx, d.Timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			conn.Close()
			return nil, err
		}
		return &recConn{Conn: tc}, nil
	}
	return dial, dialTLS
}
