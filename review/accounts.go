package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/errs"
)

// Role is what an account may do. Each role may do everything the roles
// before it in Roles may do.
type Role string

// Roles.
const (
	RoleViewer  Role = "viewer"  // reads listings, their reviews and history
	RoleAnalyst Role = "analyst" // also changes reviews
	RoleAdmin   Role = "admin"   // also reads the whole audit log and manages accounts
)

// Roles lists the roles from least to most allowed.
var Roles = []Role{RoleViewer, RoleAnalyst, RoleAdmin}

// DefaultRole is the role of new accounts when none is given, and of
// accounts created before roles existed.
const DefaultRole = RoleAnalyst

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Allows reports whether an account with role r may do what needs role min.
func (r Role) Allows(min Role) bool { return r.rank() >= 0 && r.rank() >= min.rank() }

// ParseRole accepts a role by name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.rank() < 0 {
		return "", errs.E("parse role", errs.Invalid, fmt.Sprintf("unknown role %q (viewer, analyst, admin)", s))
	}
	return r, nil
}

// Account is a user account as listed.
type Account struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
}

type userRecord struct {
	Hash    []byte    `json:"hash"`
	Role    Role      `json:"role,omitempty"`
	Created time.Time `json:"created"`
}

func (u userRecord) role() Role {
	if u.Role == "" {
		return DefaultRole
	}
	return u.Role
}

// ValidName reports whether name can be a user name: 1–64 bytes of
// letters, digits, '.', '_', '-' and '@'.
func ValidName(name string) bool {
	if name == "" || len(name) > MaxNameBytes {
		return false
	}
	for _, r := range name {
		ok := r == '.' || r == '_' || r == '-' || r == '@' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}

func checkName(op, name string) error {
	if !ValidName(name) {
		return errs.E(op, errs.Invalid, fmt.Sprintf("invalid user name %q (letters, digits, . _ - @; at most %d bytes)", name, MaxNameBytes))
	}
	return nil
}

func hashPassword(op, password string) ([]byte, error) {
	if len(password) < 8 {
		return nil, errs.E(op, errs.Invalid, "password must have at least 8 characters")
	}
	if len(password) > 72 {
		return nil, errs.E(op, errs.Invalid, "password must have at most 72 bytes (bcrypt's limit)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return hash, nil
}

func getUser(tx *bolt.Tx, name string) (userRecord, bool, error) {
	var rec userRecord
	v := tx.Bucket(bUsers).Get([]byte(name))
	if v == nil {
		return rec, false, nil
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, false, errs.E("read account", errs.IO, err)
	}
	return rec, true, nil
}

func putUser(tx *bolt.Tx, name string, rec userRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bUsers).Put([]byte(name), v)
}

// revokeSessions ends every session of account name.
func revokeSessions(tx *bolt.Tx, name string) error {
	b := tx.Bucket(bSessions)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var sess Session
		if json.Unmarshal(v, &sess) != nil || sess.User == name {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// accountChange runs fn on account name's record in one transaction,
// revokes the account's sessions and records what changed in the audit
// log, as done by actor.
func (s *Store) accountChange(op, actor, name string, fn func(tx *bolt.Tx, rec *userRecord, exists bool) (old, new string, err error)) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		rec, ok, err := getUser(tx, name)
		if err != nil {
			return err
		}
		old, nw, err := fn(tx, &rec, ok)
		if err != nil {
			return err
		}
		if err := revokeSessions(tx, name); err != nil {
			return err
		}
		return audit(tx, AuditEntry{User: actor, Account: name, Field: "account", Old: old, New: nw})
	})
	if err != nil {
		if errs.KindOf(err) != errs.Other {
			return err
		}
		return errs.E(op, errs.IO, err)
	}
	return nil
}

// CreateUser creates account name with password and role, as done by
// actor (recorded in the audit log). It fails with errs.Invalid when the
// account exists. Passwords are stored as bcrypt hashes.
func (s *Store) CreateUser(actor, name, password string, role Role) error {
	const op = "create account"
	if err := checkName(op, name); err != nil {
		return err
	}
	if role.rank() < 0 {
		return errs.E(op, errs.Invalid, fmt.Sprintf("unknown role %q (viewer, analyst, admin)", role))
	}
	hash, err := hashPassword(op, password)
	if err != nil {
		return err
	}
	return s.accountChange(op, actor, name, func(tx *bolt.Tx, rec *userRecord, exists bool) (string, string, error) {
		if exists {
			return "", "", errs.E(op, errs.Invalid, fmt.Sprintf("account %q exists (change it with 'users passwd' or 'users role')", name))
		}
		return "", "created, role " + string(role), putUser(tx, name, userRecord{Hash: hash, Role: role, Created: time.Now().UTC()})
	})
}

// SetPassword sets account name's password and ends its sessions.
func (s *Store) SetPassword(actor, name, password string) error {
	const op = "set password"
	hash, err := hashPassword(op, password)
	if err != nil {
		return err
	}
	return s.accountChange(op, actor, name, func(tx *bolt.Tx, rec *userRecord, exists bool) (string, string, error) {
		if !exists {
			return "", "", &errs.Error{Op: op, Kind: errs.NotExist, ID: name, Err: fmt.Errorf("no account %q", name)}
		}
		rec.Hash = hash
		return "", "password changed", putUser(tx, name, *rec)
	})
}

// SetRole changes account name's role and ends its sessions.
func (s *Store) SetRole(actor, name string, role Role) error {
	const op = "set role"
	if role.rank() < 0 {
		return errs.E(op, errs.Invalid, fmt.Sprintf("unknown role %q (viewer, analyst, admin)", role))
	}
	return s.accountChange(op, actor, name, func(tx *bolt.Tx, rec *userRecord, exists bool) (string, string, error) {
		if !exists {
			return "", "", &errs.Error{Op: op, Kind: errs.NotExist, ID: name, Err: fmt.Errorf("no account %q", name)}
		}
		old := "role " + string(rec.role())
		rec.Role = role
		return old, "role " + string(role), putUser(tx, name, *rec)
	})
}

// RemoveUser deletes account name and ends its sessions. Reviews keep
// the name in their history and assignee.
func (s *Store) RemoveUser(actor, name string) error {
	const op = "remove account"
	return s.accountChange(op, actor, name, func(tx *bolt.Tx, rec *userRecord, exists bool) (string, string, error) {
		if !exists {
			return "", "", &errs.Error{Op: op, Kind: errs.NotExist, ID: name, Err: fmt.Errorf("no account %q", name)}
		}
		return "role " + string(rec.role()), "removed", tx.Bucket(bUsers).Delete([]byte(name))
	})
}

// Users lists the accounts, by name.
func (s *Store) Users() ([]Account, error) {
	var out []Account
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			var rec userRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			out = append(out, Account{Name: string(k), Role: rec.role(), Created: rec.Created})
			return nil
		})
	})
	if err != nil {
		return nil, errs.E("list accounts", errs.IO, err)
	}
	return out, nil
}

// dummyHash returns the hash compared against for an unknown user, so that
// the check costs as much as for a known one and timing does not tell
// which names exist. It is made on first use (not at program start), at
// cost, the cost of real hashes.
func dummyHash(cost int) []byte {
	dummyMu.Lock()
	defer dummyMu.Unlock()
	if h, ok := dummyHashes[cost]; ok {
		return h
	}
	h, err := bcrypt.GenerateFromPassword([]byte("redthread-dummy-password"), cost)
	if err != nil { // only for a cost out of bcrypt's range
		h, _ = bcrypt.GenerateFromPassword([]byte("redthread-dummy-password"), bcrypt.DefaultCost)
	}
	dummyHashes[cost] = h
	return h
}

var (
	dummyMu     sync.Mutex
	dummyHashes = map[int][]byte{}
)

// CheckPassword returns nil when password is name's, else ErrUnauthorized.
// A known and an unknown name take the same path: one bcrypt comparison at
// the same cost.
func (s *Store) CheckPassword(name, password string) error {
	var rec userRecord
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		rec, found, err = getUser(tx, name)
		return err
	})
	if err != nil {
		return errs.E("check password", errs.IO, err)
	}
	hash := rec.Hash
	if !found {
		hash = dummyHash(BcryptCost)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !found {
		return ErrUnauthorized
	}
	return nil
}

// LoginFailed records a failed login in the audit log: the account when it
// exists (a name that is no account is recorded as "unknown account", so a
// password typed into the name field is never stored), why, and the
// client's address. The web app's login limit bounds how many there are.
func (s *Store) LoginFailed(name, reason, addr string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		account := "unknown account"
		if tx.Bucket(bUsers).Get([]byte(name)) != nil {
			account = name
		}
		return audit(tx, AuditEntry{User: "-", Account: account, Field: "login failed", Old: reason, New: addr})
	})
}
