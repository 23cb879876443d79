// Package corpus holds redthread's two interchange types, Listing (an ad as it
// was found) and Result (what the scanner concluded about it), their readers
// (JSON Lines, CSV, folders of saved HTML pages) and writers, and the bundled
// sample and development corpora. The formats are a contract with users'
// tools: see FORMATS.md in the shared project documents.
package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Kinds of listing.
const (
	KindJob    = "job"
	KindEscort = "escort"
	KindOther  = "other"
)

// Image is a photo attached to a listing. Path is a local file; PHash a hex
// perceptual hash already computed by the source.
type Image struct {
	URL   string `json:"url,omitempty"`
	Path  string `json:"path,omitempty"`
	PHash string `json:"phash,omitempty"`
}

// Listing is one ad as found: a job vacancy, an escort listing, a personal ad.
type Listing struct {
	ID           string   `json:"id,omitempty"`
	Source       string   `json:"source,omitempty"`
	URL          string   `json:"url,omitempty"`
	Kind         string   `json:"kind,omitempty"`
	Title        string   `json:"title,omitempty"`
	Body         string   `json:"body,omitempty"`
	HTML         string   `json:"html,omitempty"`
	Employer     string   `json:"employer,omitempty"`
	EmployerInfo string   `json:"employer_info,omitempty"`
	Location     string   `json:"location,omitempty"`
	Country      string   `json:"country,omitempty"`
	Language     string   `json:"language,omitempty"`
	PostedAt     string   `json:"posted_at,omitempty"`
	Pay          string   `json:"pay,omitempty"`
	Contacts     []string `json:"contacts,omitempty"`
	Images       []Image  `json:"images,omitempty"`
	// Fields keeps every other site field, including unknown top-level
	// fields of the input, as they were.
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
}

// UnmarshalJSON decodes a listing leniently, because real feeds vary: a
// numeric id or date is kept as its literal text, contacts may be one
// string or a list, images may be URLs or objects. Unknown top-level fields
// go into Fields, so nothing the source provided is dropped.
func (l *Listing) UnmarshalJSON(data []byte) error {
	if json.Valid(data) && l.decodeValid(data) {
		return nil
	}
	return l.unmarshalGeneral(data)
}

// unmarshalGeneral is UnmarshalJSON through a map of the top-level fields:
// the reference behaviour, and the path for every input decodeValid leaves
// to it (and the one whose errors users see).
func (l *Listing) unmarshalGeneral(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*l = Listing{}
	for k, v := range raw {
		var err error
		if dst := l.textField(k); dst != nil {
			*dst, err = textOf(v)
			if err != nil {
				return fmt.Errorf("field %q: %v", k, err)
			}
			continue
		}
		switch k {
		case "contacts":
			l.Contacts, err = textsOf(v)
		case "images":
			l.Images, err = imagesOf(v)
		case "fields":
			var m map[string]json.RawMessage
			if err = json.Unmarshal(v, &m); err == nil {
				if l.Fields == nil {
					l.Fields = m
				} else {
					for fk, fv := range m {
						l.Fields[fk] = fv
					}
				}
			} else if string(v) == "null" {
				err = nil
			}
		default:
			if l.Fields == nil {
				l.Fields = make(map[string]json.RawMessage)
			}
			if _, taken := l.Fields[k]; !taken {
				l.Fields[k] = v
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("field %q: %v", k, err)
		}
	}
	return nil
}

// textOf reads a JSON string, or keeps a number or boolean as its literal
// text; null is empty.
func textOf(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '{', '[':
		return "", fmt.Errorf("expected text, found a JSON %s", map[byte]string{'{': "object", '[': "array"}[v[0]])
	}
	return string(v), nil
}

// textsOf reads a list of texts, or one text as a list of one.
func textsOf(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, err := textOf(it)
			if err != nil {
				return nil, err
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, err := textOf(v)
	if s == "" || err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// imagesOf reads images given as objects, as URL or path strings, or as one
// string.
func imagesOf(v json.RawMessage) ([]Image, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if v[0] == '[' {
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, err
		}
	} else {
		items = []json.RawMessage{v}
	}
	out := make([]Image, 0, len(items))
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) > 0 && it[0] == '{' {
			var img Image
			if err := json.Unmarshal(it, &img); err != nil {
				return nil, err
			}
			out = append(out, img)
			continue
		}
		s, err := textOf(it)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, imageRef(s))
		}
	}
	return out, nil
}

// textField returns the string field of l named by its JSON name, or nil
// when name is not one of the text fields of FORMATS.md. Every reader maps
// names onto fields through it.
func (l *Listing) textField(name string) *string {
	switch name {
	case "id":
		return &l.ID
	case "source":
		return &l.Source
	case "url":
		return &l.URL
	case "kind":
		return &l.Kind
	case "title":
		return &l.Title
	case "body":
		return &l.Body
	case "html":
		return &l.HTML
	case "employer":
		return &l.Employer
	case "employer_info":
		return &l.EmployerInfo
	case "location":
		return &l.Location
	case "country":
		return &l.Country
	case "language":
		return &l.Language
	case "posted_at":
		return &l.PostedAt
	case "pay":
		return &l.Pay
	}
	return nil
}

// Field returns the text of a named field ("title", "body", "employer",
// "employer_info", "location", "pay", "contacts[2]"), the names evidence uses.
func (l *Listing) Field(name string) string {
	if p := l.textField(name); p != nil {
		return *p
	}
	var i int
	if _, err := fmt.Sscanf(name, "contacts[%d]", &i); err == nil && i >= 0 && i < len(l.Contacts) {
		return l.Contacts[i]
	}
	return ""
}

// TextFields lists the listing's text fields by evidence name, in a stable
// order, skipping empty ones.
func (l *Listing) TextFields() []NamedText {
	out := make([]NamedText, 0, 8+len(l.Contacts))
	add := func(name, text string) {
		if text != "" {
			out = append(out, NamedText{name, text})
		}
	}
	add("title", l.Title)
	add("body", l.Body)
	add("employer", l.Employer)
	add("employer_info", l.EmployerInfo)
	add("location", l.Location)
	add("pay", l.Pay)
	for i, c := range l.Contacts {
		add(fmt.Sprintf("contacts[%d]", i), c)
	}
	return out
}

// NamedText is the text of one field with its evidence name.
type NamedText struct {
	Field string
	Text  string
}

// FieldString returns Fields[name] when it is a JSON string.
func (l *Listing) FieldString(name string) string {
	var s string
	if raw, ok := l.Fields[name]; ok && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// EnsureID sets ID when it is empty: derived from the URL when there is one,
// else from a hash of the content, so the same listing gets the same ID in
// every run.
func (l *Listing) EnsureID() {
	if l.ID != "" {
		return
	}
	h := sha256.New()
	if l.URL != "" {
		h.Write([]byte(l.URL))
		l.ID = "u-" + hex.EncodeToString(h.Sum(nil))[:16]
		return
	}
	for _, s := range []string{l.Source, l.Title, l.Body, l.HTML, l.Employer, l.Location, l.PostedAt} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	l.ID = "c-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// Validate reports what makes a listing unusable: FORMATS.md requires body
// or html.
func (l *Listing) Validate() error {
	if l.Body == "" && l.HTML == "" {
		return fmt.Errorf("listing has neither body nor html")
	}
	return nil
}

// MarshalJSONLine encodes l as one JSON line without HTML escaping.
func MarshalJSONLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// imageRef is an image given as one string: a URL when it has an http(s)
// scheme, else a local path.
func imageRef(s string) Image {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return Image{URL: s}
	}
	return Image{Path: s}
}
