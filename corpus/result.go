package corpus

// Levels of risk.
const (
	LevelLow    = "low"
	LevelMedium = "medium"
	LevelHigh   = "high"
)

// Result is what the scanner concluded about one listing (FORMATS.md).
type Result struct {
	// Revised marks a result written again at the end of a scan because
	// listings later in the input linked to it: it replaces the earlier
	// result with the same ID (readers apply it; see ReadResults).
	Revised  bool   `json:"revised,omitempty"`
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Score    int    `json:"score"`
	Level    string `json:"level"`
	Language string `json:"language"`
	// Source, Country, PostedAt and URL are copied from the listing, so
	// that statistics need not embed it.
	Source     string    `json:"source,omitempty"`
	Country    string    `json:"country,omitempty"`
	PostedAt   string    `json:"posted_at,omitempty"`
	URL        string    `json:"url,omitempty"`
	Indicators []Hit     `json:"indicators"`
	Contacts   []Contact `json:"contacts"`
	Entities   Entities  `json:"entities"`
	Photos     []Photo   `json:"photos,omitempty"`
	// Pay is the pay the scanner understood, normalized to EUR per month.
	Pay *Pay `json:"pay,omitempty"`
	// RulePack names the rule pack and version that scored the listing.
	RulePack string `json:"rule_pack,omitempty"`
	// Warnings are problems with this listing that did not stop its scan
	// (an unreadable photo, a truncated body).
	Warnings []string `json:"warnings,omitempty"`
	// Listing is the scanned listing itself, when the scan was asked to
	// embed it (for indexing and review).
	Listing *Listing `json:"listing,omitempty"`
	// Region is the country whose numbering plan read the phone numbers
	// written without a country code, and why, when the listing names no
	// country of its own.
	Region *Region `json:"region,omitempty"`
}

// Region is a country inferred for a listing, with the reason
// ("url host melbourne.example.com", "location: Pune").
type Region struct {
	Code   string `json:"code"`   // ISO 3166-1 alpha-2
	Reason string `json:"reason"` // what in the listing named it
}

// Hit is one indicator that fired, with the evidence that made it fire.
type Hit struct {
	ID          string     `json:"id"`
	Weight      float64    `json:"weight"`
	Rule        string     `json:"rule,omitempty"`
	Explanation string     `json:"explanation,omitempty"`
	Evidence    []Evidence `json:"evidence"`
	Linked      []string   `json:"linked,omitempty"`
}

// Evidence is what triggered a hit: a span of a field of the input listing
// (Start and End are byte offsets into that field), or for cross-listing
// indicators, the key shared with the linked listings.
type Evidence struct {
	Field      string   `json:"field"`
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Text       string   `json:"text"`
	Shared     string   `json:"shared,omitempty"`     // normalized shared key: a contact, a photo hash, a text sketch
	Distance   *int     `json:"distance,omitempty"`   // Hamming distance for photo matches
	Similarity *float64 `json:"similarity,omitempty"` // Jaccard estimate for text templates
	Note       string   `json:"note,omitempty"`       // e.g. which fields differ, which hash list matched
}

// Contact is a normalized contact: type phone (E.164), email (lower-cased),
// handle ("app:name") or url.
type Contact struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Entities are the advertised persons' names and stated ages.
type Entities struct {
	Names []string `json:"names"`
	Ages  []int    `json:"ages"`
}

// Photo is a hashed photo of the listing; the photo itself is not kept.
type Photo struct {
	URL      string `json:"url,omitempty"`
	Path     string `json:"path,omitempty"`
	PHash    string `json:"phash,omitempty"`
	PDQ      string `json:"pdq,omitempty"`
	Quality  int    `json:"pdq_quality,omitempty"`
	Pipeline string `json:"pipeline,omitempty"`
	Error    string `json:"error,omitempty"`
}

// Pay is the pay statement the scanner used, normalized.
type Pay struct {
	Text     string  `json:"text"`
	Amount   float64 `json:"amount"` // the amount, the low end of a range
	Currency string  `json:"currency,omitempty"`
	Period   string  `json:"period,omitempty"`
	Net      bool    `json:"net,omitempty"` // stated as take-home pay
	// MonthlyEUR is the pay judged, in euro per month: the high end of a range.
	MonthlyEUR   float64 `json:"monthly_eur"`
	ReferenceEUR float64 `json:"reference_eur,omitempty"`
	Sector       string  `json:"sector,omitempty"`
	Reference    string  `json:"reference,omitempty"` // source of the reference wage
	// AmountMax is the high end of a range ("$40,000-$60,000"); 0 when there is none.
	AmountMax float64 `json:"amount_max,omitempty"`
	// MonthlyEURLow is the low end of a range in euro per month; 0 when there is none.
	MonthlyEURLow float64 `json:"monthly_eur_low,omitempty"`
	UpTo          bool    `json:"up_to,omitempty"` // the ad states an upper bound only ("up to $5,000")
	// HoursPerWeek is the working time the ad states, in hours a week; 0 when it states none.
	HoursPerWeek float64 `json:"hours_per_week,omitempty"`
	// HourlyEUR is the pay (high end) per hour of work, with the hours the ad states; 0 when
	// it states none.
	HourlyEUR float64 `json:"hourly_eur,omitempty"`
}

// Has reports whether the result raised indicator id.
func (r *Result) Has(id string) bool {
	for _, h := range r.Indicators {
		if h.ID == id {
			return true
		}
	}
	return false
}
