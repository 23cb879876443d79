package redisstore

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/redthread/redthread/internal/svctest"
	"github.com/redthread/redthread/links"
)

func open(t *testing.T) *Store {
	t.Helper()
	_, addr := svctest.StartRedis(t)
	st, err := Open(context.Background(), addr, "t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestRelinkQueue: a relink queued twice is taken once; a young one waits
// when asked for old ones only; a taken one whose lease runs out is taken
// again; tickets grow with every take.
func TestRelinkQueue(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	if err := st.QueueRelinks(ctx, []uint64{5, 3, 5}); err != nil {
		t.Fatal(err)
	}
	if err := st.QueueRelinks(ctx, []uint64{3}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := st.TakeRelinks(ctx, 10, time.Minute, time.Hour); err != nil || len(got) != 0 {
		t.Fatalf("relinks younger than an hour taken: %v %v", got, err)
	}
	got, t1, err := st.TakeRelinks(ctx, 10, 300*time.Millisecond, 0)
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []uint64{3, 5}) {
		t.Fatalf("took %v %v, want [3 5] once each", got, err)
	}
	if again, _, _ := st.TakeRelinks(ctx, 10, time.Minute, 0); len(again) != 0 {
		t.Fatalf("taken twice: %v", again)
	}
	if q, tk, err := st.RelinkBacklog(ctx); err != nil || q != 0 || tk != 2 {
		t.Fatalf("backlog %d queued, %d taken, %v", q, tk, err)
	}
	if err := st.DoneRelinks(ctx, []uint64{3}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // 5's lease runs out
	got, t2, err := st.TakeRelinks(ctx, 10, time.Minute, 0)
	if err != nil || !slices.Equal(got, []uint64{5}) {
		t.Fatalf("after the lease: took %v %v, want [5]", got, err)
	}
	if t2 <= t1 {
		t.Errorf("tickets %d then %d", t1, t2)
	}
}

// TestEntriesAndCandidates: entries written with their keys are found by
// any shared key; an entry replaced by a later one with the same ID is
// not live.
func TestEntriesAndCandidates(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	e1 := &links.Entry{ID: "a", Contacts: []uint64{11}}
	e2 := &links.Entry{ID: "b", Contacts: []uint64{11, 12}}
	e3 := &links.Entry{ID: "a", Contacts: []uint64{13}}
	for i, e := range []*links.Entry{e1, e2, e3} {
		if _, err := st.PutAndTicket(ctx, []Put{{Ord: uint64(i + 1), Entry: e, Contacts: e.Contacts}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		contacts []uint64
		want     []uint64
	}{
		{[]uint64{11}, []uint64{1, 2}},
		{[]uint64{12, 13}, []uint64{2, 3}},
		{[]uint64{99}, nil},
	} {
		c, err := st.Candidates(ctx, tc.contacts, nil, PhotoKeys{}, 15)
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for o := range c {
			got = append(got, o)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("candidates of %v: %v, want %v", tc.contacts, got, tc.want)
		}
	}
	es, live, err := st.Entries(ctx, []uint64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if es[2].ID != "b" || live[1] || !live[2] || !live[3] {
		t.Errorf("entries %v live %v: want 1 replaced by 3", es, live)
	}
	if _, _, err := st.Entries(ctx, []uint64{4}); err == nil {
		t.Error("a missing entry read without error")
	}
	var loaded []string
	if err := st.Load(func(e *links.Entry) error { loaded = append(loaded, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded, []string{"a", "b", "a"}) {
		t.Errorf("Load: %v", loaded)
	}
}

// TestPhotoCandidates: a photo is looked up by the 16-bit blocks of its
// PDQ hashes — a hash 15 bits away is found (one block at least agrees),
// an unrelated one is not — and entries with a pHash-only photo always
// are; a radius beyond 15, or a query photo with only a pHash, takes
// every entry with photos.
func TestPhotoCandidates(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	rng := rand.New(rand.NewPCG(5, 9))
	hash := func() []byte {
		b := make([]byte, 32)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	flip := func(b []byte, n int) []byte {
		c := slices.Clone(b)
		for _, i := range rng.Perm(256)[:n] {
			c[i/8] ^= 1 << (i % 8)
		}
		return c
	}
	entry := func(id string, hs ...string) *links.Entry {
		return &links.Entry{ID: id, Photos: []links.PhotoEntry{{Ref: id + ".jpg", Pipeline: "p", Hashes: hs}}}
	}
	base := hash()
	near := flip(base, 15) // spread over the hash: at least one block agrees
	mirror := hash()
	es := []*links.Entry{
		entry("near", "pdq:"+hex.EncodeToString(near)),
		entry("window", "pdq-region/c1:"+hex.EncodeToString(flip(mirror, 3))),
		entry("far", "pdq:"+hex.EncodeToString(hash())),
		entry("phash", "phash:0123456789abcdef"),
	}
	for i, e := range es {
		if _, err := st.PutAndTicket(ctx, []Put{{Ord: uint64(i + 1), Entry: e}}); err != nil {
			t.Fatal(err)
		}
	}
	query := PhotoKeysOf(entry("q", "pdq:"+hex.EncodeToString(base), "pdq:"+hex.EncodeToString(mirror), "phash:fedcba9876543210"))
	if !query.PDQ || query.PHashOnly || len(query.Blocks) != 32 {
		t.Fatalf("query keys %+v", query)
	}
	for _, tc := range []struct {
		name   string
		keys   PhotoKeys
		radius int
		want   []uint64
	}{
		{"blocks", query, 15, []uint64{1, 2, 4}},
		{"radius beyond the blocks", query, 31, []uint64{1, 2, 3, 4}},
		{"pHash only", PhotoKeysOf(entry("q2", "phash:0123456789abcdef")), 15, []uint64{1, 2, 3, 4}},
		{"no photo", PhotoKeys{}, 15, nil},
	} {
		c, err := st.Candidates(ctx, nil, nil, tc.keys, tc.radius)
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for o := range c {
			got = append(got, o)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: candidates %v, want %v", tc.name, got, tc.want)
		}
	}
}
