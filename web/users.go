package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/review"
)

// Account management for admins, while `serve` holds the review store
// (the `users` command cannot open it then). Every change ends the
// account's sessions and is recorded in the audit log with the admin's
// name.

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	accts, err := s.cfg.Store.Users()
	if err != nil {
		s.fail(w, r, true, http.StatusInternalServerError, "cannot list the accounts", err)
		return
	}
	if accts == nil {
		accts = []review.Account{}
	}
	writeJSON(w, http.StatusOK, accts)
}

// userForm is the body of the account calls. An empty password on create
// or with "password": "" asks for a generated one, returned once.
type userForm struct {
	Name     string  `json:"name"`
	Role     string  `json:"role"`
	Password *string `json:"password"`
	Remove   bool    `json:"remove"`
}

func (s *Server) readUserForm(w http.ResponseWriter, r *http.Request) (userForm, bool) {
	var f userForm
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		s.fail(w, r, true, http.StatusBadRequest, "body must be a JSON object with name, role, password or remove", nil)
		return f, false
	}
	return f, true
}

// accountResult is what an account call returns: the generated password
// is shown once.
type accountResult struct {
	Name     string `json:"name"`
	Done     string `json:"done"`
	Password string `json:"password,omitempty"`
}

func (s *Server) accountFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errs.Is(errs.NotExist, err):
		s.fail(w, r, true, http.StatusNotFound, "no such account", nil)
	case errs.Is(errs.Invalid, err):
		s.fail(w, r, true, http.StatusBadRequest, err.Error(), nil)
	default:
		s.fail(w, r, true, http.StatusInternalServerError, "could not change the account", err)
	}
}

func password(p *string) (pw string, generated bool) {
	if p == nil || *p == "" {
		return review.RandomToken(12), true
	}
	return *p, false
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	f, ok := s.readUserForm(w, r)
	if !ok {
		return
	}
	role := review.DefaultRole
	if f.Role != "" {
		var err error
		if role, err = review.ParseRole(f.Role); err != nil {
			s.accountFail(w, r, err)
			return
		}
	}
	pw, gen := password(f.Password)
	if err := s.cfg.Store.CreateUser(sess.User, f.Name, pw, role); err != nil {
		s.accountFail(w, r, err)
		return
	}
	s.log.Info("account created", "by", sess.User, "account", f.Name, "role", role)
	res := accountResult{Name: f.Name, Done: "created"}
	if gen {
		res.Password = pw
	}
	writeJSON(w, http.StatusCreated, res)
}

// apiUserChange sets an account's role or password, or removes it. Admins
// cannot demote or remove themselves here (so an app is never left
// without an admin by mistake); the `users` command can.
func (s *Server) apiUserChange(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	name := r.PathValue("name")
	f, ok := s.readUserForm(w, r)
	if !ok {
		return
	}
	if f.Name != "" && f.Name != name {
		s.fail(w, r, true, http.StatusBadRequest, "the name in the body is not the account in the path", nil)
		return
	}
	var res accountResult
	var err error
	switch {
	case f.Remove:
		if name == sess.User {
			s.fail(w, r, true, http.StatusBadRequest, "you cannot remove your own account here", nil)
			return
		}
		err, res = s.cfg.Store.RemoveUser(sess.User, name), accountResult{Name: name, Done: "removed"}
	case f.Role != "":
		role, perr := review.ParseRole(f.Role)
		if perr != nil {
			s.accountFail(w, r, perr)
			return
		}
		if name == sess.User && role != review.RoleAdmin {
			s.fail(w, r, true, http.StatusBadRequest, "you cannot take the admin role from your own account here", nil)
			return
		}
		err, res = s.cfg.Store.SetRole(sess.User, name, role), accountResult{Name: name, Done: "role " + string(role)}
	case f.Password != nil:
		pw, gen := password(f.Password)
		err, res = s.cfg.Store.SetPassword(sess.User, name, pw), accountResult{Name: name, Done: "password changed"}
		if gen {
			res.Password = pw
		}
	default:
		err = errs.E("change account", errs.Invalid, errors.New("say what to change: role, password or remove"))
	}
	if err != nil {
		s.accountFail(w, r, err)
		return
	}
	s.log.Info("account changed", "by", sess.User, "account", name, "change", res.Done)
	writeJSON(w, http.StatusOK, res)
}
