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

// knownFields are the top-level names FORMATS.md defines.
var knownFields = map[string]bool{
	"id": true, "source": true, "url": true, "kind": true, "title": true, "body": true,
	"html": true, "employer": true, "employer_info": true, "location": true, "country": true,
	"language": true, "posted_at": true, "pay": true, "contacts": true, "images": true, "fields": true,
}

// listingAlias has Listing's fields without its methods.
type listingAlias Listing

// UnmarshalJSON decodes a listing and moves unknown top-level fields into
// Fields, so nothing the source provided is dropped.
func (l *Listing) UnmarshalJSON(data []byte) error {
	var a listingAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	for k, v := range raw {
		if knownFields[k] {
			continue
		}
		if a.Fields == nil {
			a.Fields = make(map[string]json.RawMessage)
		}
		if _, taken := a.Fields[k]; !taken {
			a.Fields[k] = v
		}
	}
	*l = Listing(a)
	return nil
}

// Field returns the text of a named text field ("title", "body", "employer",
// "employer_info", "location", "pay", "contacts[2]"), the names evidence uses.
func (l *Listing) Field(name string) string {
	switch name {
	case "title":
		return l.Title
	case "body":
		return l.Body
	case "employer":
		return l.Employer
	case "employer_info":
		return l.EmployerInfo
	case "location":
		return l.Location
	case "pay":
		return l.Pay
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
