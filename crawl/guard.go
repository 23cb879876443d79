package crawl

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned for connections to loopback, private,
// link-local and other non-public addresses, refused unless
// Config.AllowPrivate is set.
var ErrPrivateAddress = errors.New("refusing to connect to a non-public address (loopback, private, link-local); --allow-private allows it")

var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach any IPv4 address
}

// publicAddr reports whether a is an address the crawler may connect to.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// guardControl runs after DNS resolution, just before each connection, so
// redirects and DNS rebinding to a private address are refused too.
func guardControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !publicAddr(a) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
	}
	return nil
}

// newTransport returns the crawler's HTTP transport: no proxy from the
// environment (it would hide the real destination from the address guard),
// the guard unless allowPrivate, bounded timeouts, and every response body
// capped at maxBody bytes (robots.txt included). With record set, the
// connections record their bytes for WARC evidence (see captureTransport),
// over HTTP/1.1 only; the guard is the same.
func newTransport(cfg *Config, record bool) http.RoundTripper {
	d := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivate {
		d.Control = guardControl
	}
	t := &http.Transport{
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    cfg.Workers + 1,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 256 << 10,
	}
	if record {
		t.DialContext, t.DialTLSContext = recordingDialers(d)
		t.ForceAttemptHTTP2 = false
	}
	max := cfg.MaxBodyBytes
	if cfg.MaxImageBytes > max {
		max = cfg.MaxImageBytes
	}
	return capTransport{t, max + 1}
}

// capTransport caps every response body.
type capTransport struct {
	rt  http.RoundTripper
	max int64
}

func (c capTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil && resp.Body != nil {
		resp.Body = &capBody{resp.Body, c.max}
	}
	return resp, err
}

type capBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *capBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *capBody) Close() error { return b.rc.Close() }
