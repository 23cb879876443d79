package crawl

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bQueue = []byte("queue")
	bDone  = []byte("done")
	bPage  = []byte("pagehash")
	bIDs   = []byte("listings")
)

// store persists the crawl frontier in a bbolt file so a killed crawl
// resumes where it stopped. A nil db keeps nothing (no --state).
type store struct {
	db *bolt.DB
}

// openStore opens or creates dir/crawl.db. Commits are written without
// fsync: they survive a killed process, not a power cut.
func openStore(dir string) (*store, error) {
	if dir == "" {
		return &store{}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "crawl.db")
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoSync: true})
	if err != nil {
		return nil, fmt.Errorf("open crawl state %s (is another crawl using it?): %w", p, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bQueue, bDone, bPage, bIDs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init crawl state %s: %w", p, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error {
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}

// state is what a resumed crawl starts from.
type state struct {
	queue      []Task
	done       map[string]bool
	pageHashes map[string]bool
	ids        map[string]bool
}

func (s *store) load() (*state, error) {
	st := &state{done: map[string]bool{}, pageHashes: map[string]bool{}, ids: map[string]bool{}}
	if s.db == nil {
		return st, nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bDone).ForEach(func(k, _ []byte) error { st.done[string(k)] = true; return nil }); err != nil {
			return err
		}
		if err := tx.Bucket(bPage).ForEach(func(k, _ []byte) error { st.pageHashes[string(k)] = true; return nil }); err != nil {
			return err
		}
		if err := tx.Bucket(bIDs).ForEach(func(k, _ []byte) error { st.ids[string(k)] = true; return nil }); err != nil {
			return err
		}
		return tx.Bucket(bQueue).ForEach(func(k, v []byte) error {
			var t Task
			if json.Unmarshal(v, &t) != nil || st.done[string(k)] {
				return nil
			}
			st.queue = append(st.queue, t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load crawl state: %w", err)
	}
	return st, nil
}

// add queues tasks.
func (s *store) add(ts []Task) error {
	if s.db == nil || len(ts) == 0 {
		return nil
	}
	return s.db.Batch(func(tx *bolt.Tx) error { return putTasks(tx, ts) })
}

func putTasks(tx *bolt.Tx, ts []Task) error {
	q := tx.Bucket(bQueue)
	for _, t := range ts {
		v, _ := json.Marshal(t)
		if err := q.Put([]byte(t.URL), v); err != nil {
			return err
		}
	}
	return nil
}

// complete records a finished page and queues the pages it led to, in one
// transaction: after a kill, either both happened or neither.
func (s *store) complete(c *Completion) error {
	if s.db == nil {
		return nil
	}
	rec, _ := json.Marshal(c.Record)
	return s.db.Batch(func(tx *bolt.Tx) error {
		q, d := tx.Bucket(bQueue), tx.Bucket(bDone)
		if c.Later {
			return putTasks(tx, c.Next)
		}
		for _, u := range append([]string{c.URL}, c.Aliases...) {
			if err := q.Delete([]byte(u)); err != nil {
				return err
			}
			if err := d.Put([]byte(u), rec); err != nil {
				return err
			}
		}
		if c.PageHash != "" {
			if err := tx.Bucket(bPage).Put([]byte(c.PageHash), []byte(c.URL)); err != nil {
				return err
			}
		}
		for _, id := range c.ListingIDs {
			if err := tx.Bucket(bIDs).Put([]byte(id), []byte(c.URL)); err != nil {
				return err
			}
		}
		return putTasks(tx, c.Next)
	})
}
