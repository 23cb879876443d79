// Package review is the analysts' durable store: their decisions on
// listings (status, assignee, notes), the audit log of every change, user
// accounts with bcrypt password hashes, and login sessions. It is one bbolt
// file, kept beside the search index; like the index it has one owner
// process at a time, and Open fails fast when another process holds it.
package review

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/errs"
)

// Status is where a listing is in review.
type Status string

// Review statuses.
const (
	New       Status = "new"
	InReview  Status = "in_review"
	Escalated Status = "escalated"
	Dismissed Status = "dismissed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{New, InReview, Escalated, Dismissed}

// Label is the status as people read it.
func (s Status) Label() string {
	switch s {
	case InReview:
		return "in review"
	}
	return string(s)
}

// ParseStatus accepts a status by name or label ("in review", "in_review").
func ParseStatus(s string) (Status, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
	n = strings.ReplaceAll(n, "-", "_")
	for _, st := range Statuses {
		if string(st) == n {
			return st, nil
		}
	}
	return "", errs.E("parse status", errs.Invalid, fmt.Sprintf("unknown status %q (new, in review, escalated, dismissed)", s))
}

// Limits on what analysts type.
const (
	MaxNoteBytes = 16 << 10
	MaxNameBytes = 64
)

// ErrInUse is wrapped by Open's error when another process holds the store.
var ErrInUse = errors.New("review store is in use by another process (is `redthread serve` running on this index? stop it first)")

// ErrForbidden is wrapped by the error of a change the account's role does
// not allow.
var ErrForbidden = errors.New("forbidden")

// ErrUnauthorized is returned for an unknown user, a wrong password or a
// missing, expired or forged session.
var ErrUnauthorized = errors.New("unauthorized")

// OpenTimeout is how long Open waits for another process to let go.
var OpenTimeout = 2 * time.Second

// BcryptCost is the bcrypt cost of new password hashes.
var BcryptCost = bcrypt.DefaultCost

// FileName is the store's file name inside the index folder.
const FileName = "review.db"

var (
	bUsers    = []byte("users")
	bSessions = []byte("sessions")
	bReviews  = []byte("reviews")
	bStatus   = []byte("status") // status/<status>/<listing id> → empty
	bAudit    = []byte("audit")
	bByID     = []byte("audit_by_listing") // <listing id>\x00<seq> → empty
)

// Store is the review database. It is safe for concurrent use.
type Store struct {
	db *bolt.DB
}

// Open opens (creating when needed) the store in the index folder dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &errs.Error{Op: "open review store", Kind: errs.IO, Path: dir, Err: err}
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: OpenTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, &errs.Error{Op: "open review store", Kind: errs.IO, Path: path, Err: ErrInUse}
		}
		return nil, &errs.Error{Op: "open review store", Kind: errs.IO, Path: path, Err: err}
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bUsers, bSessions, bReviews, bStatus, bAudit, bByID} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, &errs.Error{Op: "open review store", Kind: errs.IO, Path: path, Err: err}
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// ---- sessions ----

// Session is a logged-in user's session.
type Session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
	// Role is the account's role when the session was looked up: it is
	// read from the account on every lookup, not stored with the session.
	Role Role `json:"-"`
}

// RandomToken returns n random bytes, URL-safe base64 encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenKey(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return []byte(hex.EncodeToString(h[:]))
}

// NewSession starts a session for user lasting ttl. It returns the secret
// session token for the cookie; only its hash is stored.
func (s *Store) NewSession(user string, ttl time.Duration) (token string, sess Session, err error) {
	token = RandomToken(32)
	sess = Session{User: user, CSRF: RandomToken(32), Expires: time.Now().Add(ttl).UTC()}
	v, _ := json.Marshal(sess)
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSessions)
		// Drop expired sessions while here.
		now := time.Now()
		c := b.Cursor()
		for k, val := c.First(); k != nil; k, val = c.Next() {
			var old Session
			if json.Unmarshal(val, &old) != nil || now.After(old.Expires) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return b.Put(tokenKey(token), v)
	})
	if err != nil {
		return "", Session{}, errs.E("new session", errs.IO, err)
	}
	return token, sess, nil
}

// Session returns the live session for token, with the account's current
// role, or ErrUnauthorized (also when the account no longer exists).
func (s *Store) Session(token string) (Session, error) {
	if token == "" {
		return Session{}, ErrUnauthorized
	}
	var sess Session
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bSessions).Get(tokenKey(token))
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &sess); err != nil {
			return err
		}
		rec, ok, err := getUser(tx, sess.User)
		if err != nil || !ok {
			return err
		}
		found, sess.Role = true, rec.role()
		return nil
	})
	if err != nil {
		return Session{}, errs.E("session", errs.IO, err)
	}
	if !found || time.Now().After(sess.Expires) {
		return Session{}, ErrUnauthorized
	}
	return sess, nil
}

// EndSession deletes the session for token.
func (s *Store) EndSession(token string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bSessions).Delete(tokenKey(token))
	})
}

// ValidCSRF compares a submitted CSRF token with the session's in constant
// time.
func (sess Session) ValidCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}

// ---- reviews ----

// Note is an analyst's note on a listing.
type Note struct {
	Time time.Time `json:"time"`
	User string    `json:"user"`
	Text string    `json:"text"`
}

// Review is the analysts' record of one listing.
type Review struct {
	ListingID string    `json:"listing_id"`
	Status    Status    `json:"status"`
	Assignee  string    `json:"assignee,omitempty"`
	Notes     []Note    `json:"notes,omitempty"`
	Updated   time.Time `json:"updated,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Change is what an analyst changes on a review; nil fields stay as they
// are, a non-empty Note is appended.
type Change struct {
	Status   *Status `json:"status,omitempty"`
	Assignee *string `json:"assignee,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// Get returns the review of listing id; a listing never reviewed is New.
func (s *Store) Get(id string) (Review, error) {
	r := Review{ListingID: id, Status: New}
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bReviews).Get([]byte(id)); v != nil {
			return json.Unmarshal(v, &r)
		}
		return nil
	})
	if err != nil {
		return Review{}, errs.E("get review", errs.IO, err)
	}
	return r, nil
}

// Update applies change to listing id's review as user, records every
// changed field in the audit log, and returns the new review. The change is
// on disk when Update returns.
func (s *Store) Update(id, user string, ch Change) (Review, error) {
	if id == "" || len(id) > 1024 {
		return Review{}, errs.E("update review", errs.Invalid, "bad listing id")
	}
	if ch.Status != nil {
		if _, err := ParseStatus(string(*ch.Status)); err != nil {
			return Review{}, err
		}
	}
	if ch.Assignee != nil {
		a := strings.TrimSpace(*ch.Assignee)
		if a != "" && !ValidName(a) {
			return Review{}, errs.E("update review", errs.Invalid, fmt.Sprintf("invalid assignee %q", a))
		}
		ch.Assignee = &a
	}
	note := strings.TrimSpace(ch.Note)
	if len(note) > MaxNoteBytes || !utf8.ValidString(note) {
		return Review{}, errs.E("update review", errs.Invalid, fmt.Sprintf("note must be valid text of at most %d bytes", MaxNoteBytes))
	}
	var r Review
	err := s.db.Update(func(tx *bolt.Tx) error {
		if rec, ok, err := getUser(tx, user); err != nil {
			return err
		} else if !ok || !rec.role().Allows(RoleAnalyst) {
			return &errs.Error{Op: "update review", Kind: errs.Invalid, Err: fmt.Errorf("%w: account %q may not change reviews", ErrForbidden, user)}
		}
		if ch.Assignee != nil && *ch.Assignee != "" {
			if _, ok, err := getUser(tx, *ch.Assignee); err != nil {
				return err
			} else if !ok {
				return errs.E("update review", errs.Invalid, fmt.Sprintf("no account %q to assign the listing to", *ch.Assignee))
			}
		}
		r = Review{ListingID: id, Status: New}
		if v := tx.Bucket(bReviews).Get([]byte(id)); v != nil {
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		changed := false
		if ch.Status != nil && *ch.Status != r.Status {
			if err := audit(tx, AuditEntry{Time: now, User: user, ListingID: id, Field: "status", Old: string(r.Status), New: string(*ch.Status)}); err != nil {
				return err
			}
			sb := tx.Bucket(bStatus)
			if old := sb.Bucket([]byte(r.Status)); old != nil {
				if err := old.Delete([]byte(id)); err != nil {
					return err
				}
			}
			nb, err := sb.CreateBucketIfNotExists([]byte(*ch.Status))
			if err != nil {
				return err
			}
			if err := nb.Put([]byte(id), nil); err != nil {
				return err
			}
			r.Status, changed = *ch.Status, true
		}
		if ch.Assignee != nil && *ch.Assignee != r.Assignee {
			if err := audit(tx, AuditEntry{Time: now, User: user, ListingID: id, Field: "assignee", Old: r.Assignee, New: *ch.Assignee}); err != nil {
				return err
			}
			r.Assignee, changed = *ch.Assignee, true
		}
		if note != "" {
			if err := audit(tx, AuditEntry{Time: now, User: user, ListingID: id, Field: "note", New: note}); err != nil {
				return err
			}
			r.Notes = append(r.Notes, Note{Time: now, User: user, Text: note})
			changed = true
		}
		if !changed {
			return nil
		}
		r.Updated, r.UpdatedBy = now, user
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return tx.Bucket(bReviews).Put([]byte(id), v)
	})
	if err != nil {
		if errs.KindOf(err) != errs.Other {
			return Review{}, err
		}
		return Review{}, errs.E("update review", errs.IO, err)
	}
	return r, nil
}

// WithStatus returns the IDs of the listings whose status is st. For New it
// returns nil: new listings are those with no other status.
func (s *Store) WithStatus(st Status) ([]string, error) {
	if st == New {
		return nil, nil
	}
	out := []string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bStatus).Bucket([]byte(st))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// Reviewed returns the IDs of every listing whose status is not New.
func (s *Store) Reviewed() ([]string, error) {
	var out []string
	for _, st := range Statuses[1:] {
		ids, err := s.WithStatus(st)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}

// Counts returns how many listings have each status other than New.
func (s *Store) Counts() (map[Status]int, error) {
	out := map[Status]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, st := range Statuses[1:] {
			if b := tx.Bucket(bStatus).Bucket([]byte(st)); b != nil {
				out[st] = b.Stats().KeyN
			}
		}
		return nil
	})
	return out, err
}

// ---- audit log ----

// AuditEntry is one change: who changed what, when, from what to what.
type AuditEntry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	ListingID string    `json:"listing_id,omitempty"`
	Account   string    `json:"account,omitempty"` // the account an account change is about
	Field     string    `json:"field"`
	Old       string    `json:"old,omitempty"`
	New       string    `json:"new,omitempty"`
}

func audit(tx *bolt.Tx, e AuditEntry) error {
	b := tx.Bucket(bAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	key := binary.BigEndian.AppendUint64(nil, seq)
	if err := b.Put(key, v); err != nil {
		return err
	}
	if e.ListingID != "" {
		k := append([]byte(e.ListingID+"\x00"), key...)
		return tx.Bucket(bByID).Put(k, nil)
	}
	return nil
}

// Audit returns up to limit audit entries, newest first: all of them when
// listingID is empty, else those about that listing.
func (s *Store) Audit(listingID string, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []AuditEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bAudit)
		decode := func(v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		}
		if listingID == "" {
			c := ab.Cursor()
			for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
				if err := decode(v); err != nil {
					return err
				}
			}
			return nil
		}
		prefix := []byte(listingID + "\x00")
		c := tx.Bucket(bByID).Cursor()
		var seqs [][]byte
		for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
			seqs = append(seqs, append([]byte(nil), k[len(prefix):]...))
		}
		for i := len(seqs) - 1; i >= 0 && len(out) < limit; i-- {
			if v := ab.Get(seqs[i]); v != nil {
				if err := decode(v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, errs.E("read audit log", errs.IO, err)
	}
	return out, nil
}
