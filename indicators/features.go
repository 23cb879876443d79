// Package indicators turns one listing into Features: the contacts, pay,
// stated ages and names, language, kind, lexicon hits with byte spans and
// text-quality signals that the rule engine scores. Lexicons, wage tables,
// exchange rates and entity patterns are embedded data files that users can
// extend (see the lexicon, contacts and pay subpackages and data/).
package indicators

import "github.com/redthread/redthread/corpus"

// Span is one piece of evidence: a byte range of a field of the input
// listing, or for cross-listing features, the key shared with other
// listings and their IDs.
type Span struct {
	corpus.Evidence
	Linked []string
}

// Features is everything the rules can look at for one listing. Field
// names after `expr:` are the names rule conditions use, e.g.
// `pay.monthly_eur > 2.5 * pay.reference_eur && !employer.registered`.
type Features struct {
	ID       string `expr:"id"`
	Kind     string `expr:"kind"`     // job, escort or other (given, or detected)
	Language string `expr:"language"` // ISO 639-1 (given, or detected)
	Country  string `expr:"country"`  // ISO 3166-1 alpha-2 ("" when unknown)
	// Destination is the other country the ad names most, where the work
	// is ("" when none).
	Destination string `expr:"destination"`
	Words       int    `expr:"words"` // words in title and body
	// Offer is true for a text that makes an offer: a job ad or a romance
	// message, and not a news report or warning that quotes one.
	Offer bool `expr:"offer"`

	// Terms counts lexicon hits by tag: terms["job.urgency"], terms["sector.agriculture"].
	Terms map[string]int `expr:"terms"`

	Pay      PayFeatures      `expr:"pay"`
	Employer EmployerFeatures `expr:"employer"`
	Contacts ContactFeatures  `expr:"contacts"`
	Ages     AgeFeatures      `expr:"ages"`
	Names    []string         `expr:"names"`
	Text     TextFeatures     `expr:"text"`
	Spec     SpecFeatures     `expr:"spec"`
	// Structure describes the listing by its fields and layout.
	Structure StructureFeatures `expr:"structure"`
	// Fields are the site's own fields (fields.* of the listing), for
	// rules over a platform's metadata: fields["company_verified"] == false.
	Fields map[string]any `expr:"fields"`
	Links  LinkFeatures   `expr:"links"`
	// Risk is the summed weight of the rules that fired before the rule
	// being evaluated and raise an indicator outside network.*: the
	// listing's own risk evidence, which network rules amplify. The
	// evaluator sets it; extraction leaves it 0.
	Risk float64 `expr:"risk"`

	// Spans holds the evidence for each source a rule can cite:
	// "terms:TAG", "pay", "contacts:obfuscated", "contacts:messenger",
	// "contacts:freemail", "contacts:phone", "ages", "ages:under21",
	// "ages:under18", "names", "text:poor", "employer:vague", and the
	// "links:..." sources the link registry adds.
	Spans map[string][]Span `expr:"-"`

	// Out carries what the scan result reports besides indicators.
	Out Output `expr:"-"`

	// matchLangs are the languages besides Language whose lexicon terms
	// count: nearly as likely on the text, or the country's.
	matchLangs []string
}

// Output is what a Result shows besides the indicators.
type Output struct {
	Contacts []corpus.Contact
	Names    []string
	Ages     []int
	Pay      *corpus.Pay
	Photos   []corpus.Photo
	Warnings []string
	Region   *corpus.Region // region inferred for phone numbers when the listing names no country
}

// PayFeatures describe the best pay statement of the ad.
type PayFeatures struct {
	Stated bool `expr:"stated"`
	// MonthlyEUR is the stated pay in EUR per month, the high end of a range: the figure judged.
	MonthlyEUR   float64 `expr:"monthly_eur"`
	ReferenceEUR float64 `expr:"reference_eur"` // typical pay for the country and sector
	MinimumEUR   float64 `expr:"minimum_eur"`   // statutory minimum wage for the country
	Ratio        float64 `expr:"ratio"`         // monthly_eur / reference_eur (0 when unknown)
	Sector       string  `expr:"sector"`        // sector the reference is for
	Period       string  `expr:"period"`        // hour, day, week, month, year or ""
	Currency     string  `expr:"currency"`
	Country      string  `expr:"country"` // country whose wages the pay is compared with
	Net          bool    `expr:"net"`     // stated as take-home pay; wages in the table are gross
	// MonthlyEURLow is the low end of a range in EUR per month (== monthly_eur when no range).
	MonthlyEURLow float64 `expr:"monthly_eur_low"`
	UpTo          bool    `expr:"up_to"` // only an upper bound is stated ("up to €5,000")
	// HourlyEUR is the pay (high end) per hour of work: with the working time the ad states
	// ("$300 a day for 2 hours": 150 USD), else with a full-time month.
	HourlyEUR float64 `expr:"hourly_eur"`
	// HoursPerWeek is the working time the ad states, in hours a week (0 when none).
	HoursPerWeek float64 `expr:"hours_per_week"`
}

// EmployerFeatures describe how precisely the ad names its employer.
type EmployerFeatures struct {
	Named      bool `expr:"named"`      // an employer or company name is given
	LegalForm  bool `expr:"legal_form"` // Ltd, GmbH, d.o.o., ...
	Registered bool `expr:"registered"` // a registration or VAT number is given
	Address    bool `expr:"address"`    // a street address is given
	Web        bool `expr:"web"`        // a website or a company e-mail domain is given
	Vague      bool `expr:"vague"`      // "international company", "our client"
}

// ContactFeatures summarise the contacts found.
type ContactFeatures struct {
	Count         int  `expr:"count"`
	Phones        int  `expr:"phones"`
	Emails        int  `expr:"emails"`
	Handles       int  `expr:"handles"` // messenger handles
	URLs          int  `expr:"urls"`
	FreeMail      int  `expr:"free_mail"`      // e-mails at free-mail providers
	CompanyMail   int  `expr:"company_mail"`   // e-mails at other domains
	Obfuscated    int  `expr:"obfuscated"`     // contacts recovered from disguised forms
	MessengerOnly bool `expr:"messenger_only"` // only messenger handles or mobile numbers named for messengers
}

// AgeFeatures summarise the stated ages of advertised persons.
type AgeFeatures struct {
	Count int `expr:"count"`
	Min   int `expr:"min"` // 0 when none stated
	Max   int `expr:"max"`
}

// TextFeatures measure the quality of the writing.
type TextFeatures struct {
	CapsRuns       int  `expr:"caps_runs"`       // runs of 3+ words in capitals
	ExclaimRuns    int  `expr:"exclaim_runs"`    // "!!!", "$$$", "???"
	MixedScript    int  `expr:"mixed_script"`    // words mixing Latin and Cyrillic/Greek letters
	SpacingErrors  int  `expr:"spacing_errors"`  // missing space after punctuation, space before it
	PoorSignals    int  `expr:"poor_signals"`    // how many kinds of signal above are present
	CapsPercent    int  `expr:"caps_percent"`    // percent of letters in capitals
	LowercaseStart int  `expr:"lowercase_start"` // sentences of the body starting in lower case
	NoDiacritics   bool `expr:"no_diacritics"`   // the body (20+ words) lacks every letter with a diacritic its language needs (sq ro pl sr vi el), or is el/bg/ru/uk in Latin letters
	sentences      int  // sentences of the body
}

// SpecFeatures tell whether the ad specifies the work.
type SpecFeatures struct {
	Hours         bool `expr:"hours"`
	Qualification bool `expr:"qualification"`
	Tasks         bool `expr:"tasks"`
}

// LinkFeatures are filled by the link registry from the other listings of
// the scan and the index.
type LinkFeatures struct {
	SharedContacts int `expr:"shared_contacts"` // other listings sharing a contact
	GenericContact int `expr:"generic_contact"` // contacts shared too widely to link (switchboards)
	ReusedPhotos   int `expr:"reused_photos"`   // other listings with a matching photo
	Templates      int `expr:"templates"`       // other listings with near-identical text by other advertisers
	Reposts        int `expr:"reposts"`         // other listings with near-identical text by the same advertiser (or none to tell apart)
	Generic        int `expr:"generic"`         // keys (contacts, photos) found generic: shared widely, not linked
	Inconsistent   int `expr:"inconsistent"`    // linked listings that disagree on name, age, ...
	HashList       int `expr:"hash_list"`       // photo matches in supplied hash lists
	// CrossKind counts the listings sharing a contact or photo with this
	// one whose kind differs (a job ad linked to an escort ad).
	CrossKind int `expr:"cross_kind"`
}

// Add appends evidence under a source name.
func (f *Features) Add(source string, s Span) {
	if f.Spans == nil {
		f.Spans = make(map[string][]Span)
	}
	f.Spans[source] = append(f.Spans[source], s)
}

// Term returns the count of lexicon hits for tag.
func (f *Features) Term(tag string) int { return f.Terms[tag] }
