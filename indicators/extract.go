package indicators

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators/concept"
	"github.com/redthread/redthread/indicators/contacts"
	"github.com/redthread/redthread/indicators/lexicon"
	"github.com/redthread/redthread/indicators/pay"
)

// Config names the user's data files that extend or replace the embedded
// ones. Empty fields keep the embedded data.
type Config struct {
	Lexicons      []string // extra lexicon YAML files (indicators/lexicon format)
	Patterns      []string // extra concept class and pattern files (indicators/concept format)
	ContactData   []string // extra contact data files (indicators/contacts format)
	EntityCues    []string // extra entity cue files (data/entities.yaml format)
	RatesFile     string   // exchange rates CSV replacing the embedded one
	WagesFile     string   // reference wage CSV replacing the embedded one
	DefaultRegion string   // country for listings that name none (--country)
}

// Extractor turns listings into Features. It is immutable once built and
// safe for concurrent use.
type Extractor struct {
	lex      *lexicon.Lexicon
	concepts *concept.Set
	data     *listingData // languages.yaml, structure.yaml
	contacts *contacts.Extractor
	pay      *pay.Parser
	tables   *pay.Tables
	cues     *EntityCues
	lang     *LanguageDetector
	region   string

	termScratch sync.Pool // *termScratch
}

// New builds an Extractor from the embedded data and cfg's files.
func New(cfg Config) (*Extractor, error) {
	fail := func(what string, err error) error { return errs.E("load "+what, errs.Config, err) }
	x := &Extractor{region: strings.ToUpper(cfg.DefaultRegion)}
	var err error
	var extra []*os.File
	defer func() {
		for _, f := range extra {
			f.Close()
		}
	}()
	open := func(paths []string) ([]*os.File, error) {
		var fs []*os.File
		for _, p := range paths {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
			extra = append(extra, f)
		}
		return fs, nil
	}
	cf, err := open(cfg.ContactData)
	if err != nil {
		return nil, fail("contact data", err)
	}
	if x.contacts, err = contacts.Load(readers(cf)...); err != nil {
		return nil, fail("contact data", err)
	}
	if x.pay, err = pay.NewParser(); err != nil {
		return nil, fail("pay words", err)
	}
	if cfg.RatesFile != "" || cfg.WagesFile != "" {
		var rates, wages *os.File
		if cfg.RatesFile != "" {
			fs, err := open([]string{cfg.RatesFile})
			if err != nil {
				return nil, fail("exchange rates", err)
			}
			rates = fs[0]
		}
		if cfg.WagesFile != "" {
			fs, err := open([]string{cfg.WagesFile})
			if err != nil {
				return nil, fail("wage table", err)
			}
			wages = fs[0]
		}
		x.tables, err = pay.LoadTables(nilIfNone(rates), nilIfNone(wages))
	} else {
		x.tables, err = pay.DefaultTables()
	}
	if err != nil {
		return nil, fail("pay tables", err)
	}
	ef, err := open(cfg.EntityCues)
	if err != nil {
		return nil, fail("entity cues", err)
	}
	if x.cues, err = LoadEntityCues(readers(ef)...); err != nil {
		return nil, fail("entity cues", err)
	}
	// The lexicon also finds the name cues, so names cost no extra pass.
	cueLex, err := x.cues.lexiconFile()
	if err != nil {
		return nil, fail("entity cues", err)
	}
	lexFiles := []lexicon.NamedReader{cueLex}
	lf, err := open(cfg.Lexicons)
	if err != nil {
		return nil, fail("lexicon", err)
	}
	for i, f := range lf {
		lexFiles = append(lexFiles, lexicon.NamedReader{Name: cfg.Lexicons[i], R: f})
	}
	if x.lex, err = lexicon.Load(lexFiles...); err != nil {
		return nil, fail("lexicon", err)
	}
	stop := x.lex.Stopwords()
	if x.data, err = loadListingData(); err != nil {
		return nil, fail("language and structure data", err)
	}
	for lang, ws := range x.data.transliterated {
		stop[lang] = append(stop[lang], ws...)
	}
	x.lang = NewLanguageDetector(stop)
	x.lang.ExcludeKeys(x.data.keyExclude)
	pf, err := open(cfg.Patterns)
	if err != nil {
		return nil, fail("concept patterns", err)
	}
	var pr []concept.NamedReader
	for i, f := range pf {
		pr = append(pr, concept.NamedReader{Name: cfg.Patterns[i], R: f})
	}
	if len(pr) == 0 {
		x.concepts, err = concept.Default()
	} else {
		x.concepts, err = concept.Load(pr...)
	}
	if err != nil {
		return nil, fail("concept patterns", err)
	}
	return x, nil
}

func nilIfNone(f *os.File) io.Reader {
	if f == nil {
		return nil
	}
	return f
}

func readers(fs []*os.File) []io.Reader {
	out := make([]io.Reader, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}

// Lexicon returns the compiled lexicon (for lint and documentation).
func (x *Extractor) Lexicon() *lexicon.Lexicon { return x.lex }

// Tags lists every tag the lexicons and concept patterns can raise, for
// rule lint.
func (x *Extractor) Tags() []string {
	tags := x.lex.Tags()
	for _, t := range x.concepts.Tags() {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	sort.Strings(tags)
	return tags
}

// DetectLanguage guesses the language of text.
func (x *Extractor) DetectLanguage(text string) string { return x.lang.Detect(text) }

// Extract computes the features of one listing. The listing must have its
// Body (derive it from HTML first); it is not modified.
func (x *Extractor) Extract(l *corpus.Listing) *Features {
	f := &Features{ID: l.ID, Terms: make(map[string]int, 16), Spans: make(map[string][]Span, 16)}
	f.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	if f.Country == "" {
		f.Country = x.region
	}
	f.Language = strings.ToLower(strings.TrimSpace(l.Language))
	var alts near
	if f.Language == "" {
		f.Language, alts = x.lang.detectNear(l.Title, "\n", l.Body)
	}
	// Lexicon terms count in the listing's language, in languages nearly
	// as likely, in the language of its country, in English (the lingua
	// franca of ads) and language-neutral ones.
	for _, a := range alts {
		if a != "" {
			f.matchLangs = append(f.matchLangs, a)
		}
	}
	if cl := x.data.countryLanguages[f.Country]; cl != "" {
		f.matchLangs = append(f.matchLangs, cl)
	}
	fields := l.TextFields()

	x.addTerms(f, fields)
	x.addConcepts(f, fields)

	f.Destination = destination(f)

	// Kind.
	f.Kind = normalizeKind(l.Kind)
	if f.Kind == "" {
		f.Kind = detectKind(f)
	}
	f.Offer = !isReport(f) &&
		(f.Kind == corpus.KindJob || f.Terms["romance.simulated_romance"]+f.Terms["romance.coercion"] > 0)

	x.extractContacts(f, l, fields)
	x.extractPay(f, l, fields)
	x.extractEntities(f, l)
	x.employer(f, l)

	// Writing quality of title and body.
	writingQuality(f, "title", l.Title, &f.Text)
	writingQuality(f, "body", l.Body, &f.Text)
	countPoorSignals(&f.Text)

	f.Spec = SpecFeatures{Hours: f.Terms["spec.hours"] > 0, Qualification: f.Terms["spec.qualification"] > 0, Tasks: f.Terms["spec.tasks"] > 0}
	if !f.Spec.Hours && !f.Spec.Qualification && !f.Spec.Tasks {
		// Absence is evidence too: point at what the ad calls the job.
		addAbsence(f, l, "spec:absent", "no duties, working hours or qualifications are named")
	}
	f.Words = countWords(l.Title) + countWords(l.Body)
	x.structure(f, l)
	if !f.Structure.EmployerName && !f.Structure.EmployerInfo && !f.Employer.Named && !f.Employer.Registered &&
		!f.Employer.Address && !f.Employer.LegalForm && !f.Employer.Web {
		// Nothing says who the employer is: point at the title.
		addAbsence(f, l, "structure:no_employer", "no company is named or described (no employer, company profile, address, registration or website)")
	}
	return f
}

// addAbsence records evidence of something the listing lacks under
// source: the title (or the body's first line), with a note saying what is
// missing.
func addAbsence(f *Features, l *corpus.Listing, source, note string) {
	field, text := "title", l.Title
	if text == "" {
		field, text = "body", firstLine(l.Body)
	}
	if text != "" {
		f.Add(source, Span{Evidence: corpus.Evidence{Field: field, Start: 0, End: len(text), Text: text, Note: note}})
	}
}

// termScratch holds addTerms' buffers between listings.
type termScratch struct {
	hits  []lexicon.Hit
	index map[string]int
	order []int32
}

// addTerms counts the lexicon hits of every field by tag and records them
// as "terms:TAG" evidence, in field order. The hits are counted first so
// that all the evidence shares one allocation, each tag's slice capped at
// its own size.
func (x *Extractor) addTerms(f *Features, fields []corpus.NamedText) {
	sc, _ := x.termScratch.Get().(*termScratch)
	if sc == nil {
		sc = &termScratch{index: make(map[string]int, 32)}
	}
	defer func() {
		clear(sc.index)
		x.termScratch.Put(sc)
	}()
	hits := sc.hits[:0]
	defer func() {
		sc.hits = hits[:0]
		if cap(hits) > 4096 { // an unusual listing: do not keep its buffers
			sc.hits, sc.order = nil, nil
		}
	}()
	var endsBuf [8]int
	ends := endsBuf[:0] // end of each field's hits in hits
	for _, ft := range fields {
		n := len(hits)
		// Terms of the listing's language, English (the lingua franca of
		// ads) and language-neutral terms: "constructive" is not a
		// Romanian term in an English ad.
		hits = x.lex.AppendMatchIn(hits, ft.Text, f.allowTerm)
		if !adTextField(ft.Field) {
			// The employer's own profile: only employer, sector and place
			// terms count, not the ad-text indicators its boilerplate holds.
			kept := hits[:n]
			for _, h := range hits[n:] {
				if tagForField(h.Tag, ft.Field) {
					kept = append(kept, h)
				}
			}
			hits = kept
		}
		ends = append(ends, len(hits))
	}
	if len(hits) == 0 {
		return
	}
	type group struct {
		n     int
		spans []Span
	}
	var groupsBuf [32]group
	groups := groupsBuf[:0]
	index := sc.index                                         // tag → groups index
	order := slices.Grow(sc.order[:0], len(hits))[:len(hits)] // hit → groups index
	sc.order = order
	for i := range hits {
		tag := hits[i].Tag
		f.Terms[tag]++
		g, ok := index[tag]
		if !ok {
			g = len(groups)
			index[tag] = g
			groups = append(groups, group{})
		}
		groups[g].n++
		order[i] = int32(g)
	}
	backing := make([]Span, len(hits))
	off := 0
	for g := range groups {
		groups[g].spans = backing[off : off : off+groups[g].n]
		off += groups[g].n
	}
	fi := 0
	for i := range hits {
		for i >= ends[fi] {
			fi++
		}
		h, ft := &hits[i], &fields[fi]
		g := &groups[order[i]]
		g.spans = append(g.spans, Span{Evidence: corpus.Evidence{Field: ft.Field, Start: h.Start, End: h.End, Text: ft.Text[h.Start:h.End]}})
	}
	for i := range hits {
		if g := &groups[order[i]]; g.spans != nil {
			f.Spans["terms:"+hits[i].Tag] = g.spans
			g.spans = nil
		}
	}
}

func normalizeKind(k string) string {
	switch strings.ToLower(strings.TrimSpace(k)) {
	case "":
		return ""
	case "job", "jobs", "vacancy", "work":
		return corpus.KindJob
	case "escort", "escorts", "service", "services", "adult", "personal":
		return corpus.KindEscort
	}
	return corpus.KindOther
}

// isReport reports whether the text is a news report or a warning: two
// report words in one field (the report pattern), or in the title and body
// together.
func isReport(f *Features) bool {
	return f.Terms["kind.report"] > 0 || f.Terms["kind.report_word"] >= 2
}

// detectKind decides job/escort/other from the lexicon cues: a job ad
// recruits (hiring words, or several recruitment indicators), an escort ad
// sells sexual services, and everything else — romance messages, people
// offering ordinary services — is other.
func detectKind(f *Features) string {
	jobWords, escWords := f.Terms["kind.job"], f.Terms["kind.escort"]
	var jobCues, escCues, romance int
	for tag, n := range f.Terms {
		switch {
		case strings.HasPrefix(tag, "romance."):
			romance += n
		case strings.HasPrefix(tag, "job.") && tag != "job.word_abroad" && tag != "job.high_risk_sector" && tag != "job.unrealistic_conditions":
			jobCues++
		case strings.HasPrefix(tag, "service."):
			escCues += n
		}
	}
	switch {
	case isReport(f):
		// A news report or a warning quotes the lures it warns about.
		return corpus.KindOther
	case f.Terms["kind.flatshare"] > 0 && jobWords == 0:
		return corpus.KindOther
	case (escWords >= 2 || escWords >= 1 && escCues >= 1) && escWords*2+escCues > jobWords*2+jobCues:
		return corpus.KindEscort
	case romance > 0 && jobWords <= romance:
		return corpus.KindOther
	case jobWords > 0 || jobCues >= 2:
		return corpus.KindJob
	case escCues >= 2:
		return corpus.KindEscort
	}
	return corpus.KindOther
}

func (x *Extractor) extractContacts(f *Features, l *corpus.Listing, fields []corpus.NamedText) {
	type key struct{ t, v string }
	seen := map[key]bool{}
	phoneSeen := map[string]bool{}
	handlePhones := map[string]bool{}
	var webs int
	// Phone numbers written without a country code are read in the listing's country, or in the
	// regions inferred for it (region.go); the result records the one that read most of them.
	regions := x.phoneRegions(l, f)
	var codeBuf [maxRegions]string
	codes := codeBuf[:0]
	for _, r := range regions {
		codes = append(codes, r.Code)
	}
	var used [maxRegions]int
	add := func(field string, c contacts.Contact) {
		sp := Span{Evidence: corpus.Evidence{Field: field, Start: c.Start, End: c.End, Text: c.Text, Shared: string(c.Type) + ":" + c.Value}}
		if c.Obfuscated {
			sp.Note = "recovered: " + c.Value
			f.Add("contacts:obfuscated", sp)
		}
		k := key{string(c.Type), c.Value}
		if seen[k] {
			return
		}
		seen[k] = true
		f.Out.Contacts = append(f.Out.Contacts, corpus.Contact{Type: string(c.Type), Value: c.Value})
		f.Add("contacts:all", sp)
		f.Contacts.Count++
		switch c.Type {
		case contacts.Phone:
			f.Contacts.Phones++
			phoneSeen[c.Value] = true
			f.Add("contacts:phone", sp)
			if i := slices.Index(codes, c.Region); i >= 0 {
				used[i]++
			}
		case contacts.Email:
			f.Contacts.Emails++
			if x.contacts.IsFreeMail(c.Value) {
				f.Contacts.FreeMail++
				f.Add("contacts:freemail", sp)
			} else {
				f.Contacts.CompanyMail++
			}
		case contacts.Handle:
			f.Contacts.Handles++
			f.Add("contacts:messenger", sp)
			if i := strings.IndexByte(c.Value, ':'); i >= 0 && strings.HasPrefix(c.Value[i+1:], "+") {
				handlePhones[c.Value[i+1:]] = true
			}
		case contacts.URL:
			f.Contacts.URLs++
			if !messengerURL(c.Value) {
				webs++
			}
		}
		if c.Obfuscated {
			f.Contacts.Obfuscated++
		}
	}
	for _, ft := range fields {
		if ft.Field == "location" || ft.Field == "pay" {
			continue
		}
		for _, c := range x.contacts.ExtractIn(ft.Text, codes) {
			add(ft.Field, c)
		}
	}
	// Numbers carried in the listing's own address ("/call-555-0134-ask-for-mila/").
	if l.URL != "" {
		for _, c := range x.contacts.ExtractURL(l.URL, codes) {
			add("url", c)
		}
	}
	if strings.TrimSpace(l.Country) == "" && len(regions) > 0 {
		best := 0
		for i := range regions {
			if used[i] > used[best] {
				best = i
			}
		}
		r := regions[best]
		f.Out.Region = &r
	}
	// Messenger only: handles, and every phone is a messenger number.
	if f.Contacts.Handles > 0 && f.Contacts.CompanyMail == 0 && webs == 0 {
		only := true
		for p := range phoneSeen {
			if !handlePhones[p] {
				only = false
			}
		}
		f.Contacts.MessengerOnly = only
	}
	if webs > 0 || f.Contacts.CompanyMail > 0 {
		f.Employer.Web = true
	}
}

func messengerURL(u string) bool {
	u = strings.ToLower(u)
	for _, h := range []string{"t.me/", "wa.me/", "telegram.me/", "viber.", "instagram.com/", "tiktok.com/", "snapchat.com/", "wechat", "line.me/", "zalo.me/", "kik.me/", "signal.me/", "chat.whatsapp.com/"} {
		if strings.Contains(u, h) {
			return true
		}
	}
	return false
}

// riskSectors in the order a tie is broken.
var sectorTags = []string{"sector.agriculture", "sector.construction", "sector.domestic", "sector.care", "sector.hospitality",
	"sector.cleaning", "sector.manufacturing", "sector.warehouse", "sector.transport", "sector.modelling", "sector.cannabis"}

func (x *Extractor) sector(f *Features) string {
	best, n := "general", 0
	for _, tag := range sectorTags {
		if c := f.Terms[tag]; c > n {
			best, n = strings.TrimPrefix(tag, "sector."), c
		}
	}
	switch best {
	case "cannabis":
		best = "agriculture"
	}
	return best
}

func (x *Extractor) extractPay(f *Features, l *corpus.Listing, fields []corpus.NamedText) {
	// Read the title, the body and the pay field (where a bare amount is pay: "40000-60000").
	var reads [3]struct {
		r     pay.Reading
		field string
	}
	n, found := 0, false
	var work pay.WorkTime // working time stated in any of them
	for _, ft := range fields {
		if ft.Field != "pay" && ft.Field != "title" && ft.Field != "body" || n == len(reads) {
			continue
		}
		r := x.pay.Read(ft.Text, pay.Options{Stated: ft.Field == "pay"})
		work = work.Or(r.Work)
		reads[n].r, reads[n].field = r, ft.Field
		n++
		found = found || len(r.Mentions) > 0
	}
	if !found {
		return
	}
	// Pay is judged against the wages where the work is: the one country
	// whose currency the pay is in (pounds: the UK), else the destination
	// the ad names (euro or dollars for "work in Germany"), else the
	// listing's country.
	payCountry := func(cur string) string {
		where := f.Country
		if c, ok := x.tables.CountryOfCurrency(cur); ok && cur != "USD" {
			where = c
		} else if f.Destination != "" {
			where = f.Destination
		} else if ok {
			where = c
		}
		return where
	}
	// The same pay stated twice (title, body, pay field) has the period one of them states.
	periodOf := func(m pay.Mention) (string, float64) {
		for _, rd := range reads[:n] {
			for _, o := range rd.r.Mentions {
				if o.Period != "" && !o.Cost && m.SameAmount(o) {
					return o.Period, o.PeriodCount
				}
			}
		}
		return "", 0
	}
	var best pay.Mention
	var bestConv pay.Conversion
	bestWhere, bestField := "", ""
	for _, rd := range reads[:n] {
		for _, m := range rd.r.Mentions {
			if m.Cost { // fees, deposits, rent, budgets are not pay
				continue
			}
			if m.Period == "" {
				m.Period, m.PeriodCount = periodOf(m)
			}
			m.Work = m.Work.Or(work)
			where := payCountry(m.Currency)
			// An amount without currency is in the listing's money; one without period is read
			// by the listing's conventions, or those of where the work is when it names no country.
			home := f.Country
			if home == "" {
				home = where
			}
			conv, ok := x.tables.Convert(m, home, home)
			if !ok || conv.MonthlyEURMax <= 0 {
				continue
			}
			if bestField == "" || conv.MonthlyEURMax > bestConv.MonthlyEURMax {
				best, bestConv, bestWhere, bestField = m, conv, where, rd.field
			}
		}
	}
	if bestField == "" {
		return
	}
	m := best
	out := &corpus.Pay{Text: m.Text, Amount: m.Amount, Currency: m.Currency, Period: m.Period, Net: m.Net,
		MonthlyEUR: round2(bestConv.MonthlyEURMax), UpTo: m.UpTo}
	if m.AmountMax > m.Amount {
		out.AmountMax = m.AmountMax
		out.MonthlyEURLow = round2(bestConv.MonthlyEUR)
	}
	if bestConv.HoursStated {
		out.HoursPerWeek = round2(bestConv.HoursPerWeek)
		out.HourlyEUR = round2(bestConv.HourlyEUR)
	}
	sector := x.sector(f)
	out.Sector = sector
	f.Pay = PayFeatures{Stated: true, MonthlyEUR: out.MonthlyEUR, MonthlyEURLow: round2(bestConv.MonthlyEUR),
		Sector: sector, Period: m.Period, Currency: m.Currency, Net: m.Net, UpTo: m.UpTo,
		HourlyEUR: round2(bestConv.HourlyEUR), HoursPerWeek: out.HoursPerWeek, Country: bestWhere}
	if w, ok := x.tables.Wage(bestWhere, sector); ok {
		f.Pay.ReferenceEUR = w.TypicalEUR
		f.Pay.MinimumEUR = w.MinimumEUR
		f.Pay.Sector = w.Sector
		if w.TypicalEUR > 0 {
			f.Pay.Ratio = round2(out.MonthlyEUR / w.TypicalEUR)
		}
		out.ReferenceEUR = w.TypicalEUR
		out.Sector = w.Sector
		out.Reference = fmt.Sprintf("%s %d", w.Source, w.Year)
	}
	f.Add("pay", Span{Evidence: corpus.Evidence{Field: bestField, Start: m.Start, End: m.End, Text: m.Text, Note: bestConv.Note(m)}})
	f.Out.Pay = out
}

func (x *Extractor) extractEntities(f *Features, l *corpus.Listing) {
	ages := map[int]bool{}
	names := map[string]bool{}
	for _, ft := range []corpus.NamedText{{Field: "title", Text: l.Title}, {Field: "body", Text: l.Body}} {
		// Digits of a phone or an e-mail are no age.
		var skip [][2]int
		for _, sp := range f.Spans["contacts:all"] {
			if sp.Field == ft.Field {
				skip = append(skip, [2]int{sp.Start, sp.End})
			}
		}
		for _, a := range x.cues.AgesIn(ft.Text, f.Language, ft.Field == "title", skip) {
			sp := Span{Evidence: corpus.Evidence{Field: ft.Field, Start: a.Start, End: a.End, Text: ft.Text[a.Start:a.End], Note: a.Note}}
			f.Add("ages", sp)
			if a.Value < 21 {
				f.Add("ages:under21", sp)
			}
			if a.Value < 18 {
				f.Add("ages:under18", sp)
			}
			if !ages[a.Value] {
				ages[a.Value] = true
				f.Out.Ages = append(f.Out.Ages, a.Value)
			}
		}
		for _, n := range x.cues.NamesAfter(ft.Text, f.Spans["terms:"+nameCueTag], ft.Field) {
			f.Add("names", Span{Evidence: corpus.Evidence{Field: ft.Field, Start: n.Start, End: n.End, Text: n.Value}})
			if !names[n.Value] {
				names[n.Value] = true
				f.Out.Names = append(f.Out.Names, n.Value)
			}
		}
	}
	sort.Ints(f.Out.Ages)
	f.Names = f.Out.Names
	if len(f.Out.Ages) > 0 {
		f.Ages = AgeFeatures{Count: len(f.Out.Ages), Min: f.Out.Ages[0], Max: f.Out.Ages[len(f.Out.Ages)-1]}
	}
}

func (x *Extractor) employer(f *Features, l *corpus.Listing) {
	e := &f.Employer
	e.LegalForm = f.Terms["employer.legal_form"] > 0
	e.Registered = f.Terms["employer.registration"] > 0
	e.Address = f.Terms["employer.address"] > 0
	e.Web = e.Web || f.Terms["employer.web"] > 0
	e.Vague = f.Terms["job.vague_employer"] > 0
	name := strings.TrimSpace(l.Employer)
	e.Named = e.LegalForm || (name != "" && !vagueName(f, name))
	if !e.Named && !e.Registered && !e.Address && !e.LegalForm && !e.Web {
		why := "no company name, address or registration number"
		for _, src := range []string{"contacts:all"} {
			for _, sp := range f.Spans[src] {
				sp.Note = why
				f.Add("employer:vague", sp)
			}
		}
	}
}

// vagueName reports whether the employer field is itself vague
// ("International company", "Private").
func vagueName(f *Features, name string) bool {
	for _, sp := range f.Spans["terms:job.vague_employer"] {
		if sp.Field == "employer" {
			return true
		}
	}
	return len(strings.TrimSpace(name)) < 2
}

func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		var alnum bool
		if c < utf8.RuneSelf {
			alnum = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			alnum = isAlnum(r)
			i += size
		}
		if alnum {
			if !in {
				n++
			}
			in = true
		} else {
			in = false
		}
	}
	return n
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// firstLine returns the first line of s, at most 200 bytes, cut at a rune
// boundary.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		cut := 200
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// destination is the country the ad most often names (place.* lexicon
// tags) other than the listing's own, in upper case; "" when none.
func destination(f *Features) string {
	best, n, first := "", 0, -1
	for tag, c := range f.Terms {
		code, ok := strings.CutPrefix(tag, "place.")
		if !ok {
			continue
		}
		code = strings.ToUpper(code)
		if code == f.Country {
			continue
		}
		at := -1
		if sp := f.Spans["terms:"+tag]; len(sp) > 0 {
			at = sp[0].Start
		}
		if c > n || (c == n && at < first) {
			best, n, first = code, c, at
		}
	}
	return best
}

// allowTerm reports whether a lexicon term of language term and tag counts
// in the listing.
func (f *Features) allowTerm(term, tag string) bool {
	switch term {
	case "", "xx", "en", f.Language:
		return true
	}
	if f.Language == "" || langFree(tag) || slices.Contains(f.matchLangs, term) {
		return true
	}
	// Ukrainian ads mix in Russian and the other way round.
	return term == "ru" && f.Language == "uk" || term == "uk" && f.Language == "ru"
}

// langFree reports whether a tag's terms count whatever the listing's
// language: places, legal forms and registration numbers of a foreign
// employer, name cues.
func langFree(tag string) bool {
	return strings.HasPrefix(tag, "place.") || strings.HasPrefix(tag, "employer.") || strings.HasPrefix(tag, "name.")
}
