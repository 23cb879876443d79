package lexicon

import (
	"slices"
	"testing"
)

// TestDefaultLexicon checks, for each embedded language, that typical risky
// ad wording raises the expected tags and that ordinary ads stay quiet.
func TestDefaultLexicon(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"de", "el", "en", "es", "fr", "it", "xx"} {
		if !slices.Contains(l.Languages(), lang) {
			t.Errorf("language %s not loaded", lang)
		}
		if lang != "xx" && len(l.Stopwords()[lang]) < 40 {
			t.Errorf("language %s: %d stopwords, want >= 40", lang, len(l.Stopwords()[lang]))
		}
	}
	tests := []struct {
		lang, text string
		want, not  []string
	}{
		// English
		{"en", "URGENT!!! Girls 18-25 needed for work abroad, free accommodation, we arrange visa and tickets. Write only on WhatsApp.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"en", "Placement fee 500 EUR, deducted from your first salary. Passport will be kept by the company for safety.",
			[]string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"en", "Send full-body photo and your height and weight to apply.", []string{"job.personal_data_request"}, nil},
		{"en", "New in town!! Young fresh girl available 24/7, incall/outcall, BBBJ, new Asian girls, ask for Lily 🌹🌹",
			[]string{"service.movement", "youth.word", "service.constant_availability", "kind.escort", "service.unprotected", "service.ethnic_emphasis", "service.third_party"}, nil},
		{"en", "You owe me. If you don't do as I say I will send your photos to your family.", []string{"romance.coercion"}, nil},
		{"en", "I will take care of you my princess, travel with me to London.", []string{"romance.simulated_romance"}, nil},
		{"en", "text me on what's app", []string{"evasion.obfuscated_contact"}, nil},
		{"en", "We are a young team of marketers looking for a Marketing Manager. Full-time, hybrid. We sponsor visas for the right candidate. Apply via our careers page.",
			[]string{"kind.job", "spec.hours", "employer.web"},
			[]string{"job.urgency", "job.targeted_recruitment", "job.travel_provided", "job.fee_or_debt", "job.unrealistic_conditions", "youth.word"}},
		{"en", "No fees are charged to candidates. We never charge a fee.", nil, []string{"job.fee_or_debt"}},
		{"en", "Family bakery in Leeds is hiring a baker, start date flexible, 3 years of experience required, 40 hours per week.",
			[]string{"kind.job", "spec.qualification", "spec.hours"}, []string{"job.urgency", "job.targeted_recruitment"}},
		// German
		{"de", "Bäckerei Müller sucht ab sofort eine Verkäuferin (m/w/d) in Teilzeit. Wir sind ein junges Team. Bewerbung an unsere Filiale in der Hauptstraße 12.",
			[]string{"kind.job", "spec.hours", "employer.address"},
			[]string{"job.urgency", "job.targeted_recruitment", "job.personal_data_request", "youth.word"}},
		{"de", "Dringend! Junge Frauen für Arbeit im Ausland gesucht, kostenlose Unterkunft, Flug wird bezahlt, nur per WhatsApp.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"de", "Vermittlungsgebühr 300 Euro, wird vom ersten Lohn abgezogen. Pass wird einbehalten.", []string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"de", "Keine Vermittlungsgebühr, für Bewerber kostenlos.", nil, []string{"job.fee_or_debt"}},
		{"de", "Neu in der Stadt! Junge Asiatin, rund um die Uhr, Haus- und Hotelbesuche, AO-Service",
			[]string{"service.movement", "service.ethnic_emphasis", "service.constant_availability", "kind.escort", "service.unprotected"}, nil},
		// French
		{"fr", "Boulangerie recrute un vendeur H/F, poste à pourvoir immédiatement, CDI temps plein. Jeune équipe dynamique.",
			[]string{"kind.job", "spec.hours"}, []string{"job.urgency", "job.targeted_recruitment", "youth.word"}},
		{"fr", "Urgent ! Recrutons jeunes filles pour travail à l'étranger, logement gratuit, billet d'avion payé, contact uniquement sur WhatsApp.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"fr", "Frais de dossier 200 €, déduit de votre premier salaire. Nous gardons votre passeport.", []string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"fr", "Nouvelle en ville, jeune étudiante, dispo 24h/24, je reçois et je me déplace, fellation nature",
			[]string{"service.movement", "service.youth", "service.constant_availability", "kind.escort", "service.unprotected"}, nil},
		// Spanish
		{"es", "Empresa de software busca desarrollador backend. Patrocinamos visas. Equipo joven y dinámico. Jornada completa.",
			[]string{"spec.hours"}, []string{"job.travel_provided", "job.targeted_recruitment", "job.urgency", "youth.word"}},
		{"es", "¡Urgente! Se buscan chicas de 18 a 25 años para trabajar en el extranjero, alojamiento gratis, pasaje pagado. Solo por WhatsApp.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"es", "Cuota de inscripción 150 euros, se descuenta del primer sueldo. Guardamos tu pasaporte.", []string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"es", "Recién llegada, jovencita colombiana, disponible 24 horas, salidas a hotel, francés natural",
			[]string{"service.movement", "service.youth", "service.ethnic_emphasis", "service.constant_availability", "kind.escort", "service.unprotected"}, nil},
		// Italian
		{"it", "Panificio cerca commessa, inizio immediato, contratto part-time. Ambiente giovane e dinamico.",
			[]string{"kind.job", "spec.hours"}, []string{"job.urgency", "job.targeted_recruitment", "youth.word"}},
		{"it", "Urgente! Cercasi ragazze 18-25 per lavoro all'estero, vitto e alloggio gratuiti, biglietto aereo pagato, contatto solo WhatsApp.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"it", "Quota di iscrizione 200 euro, trattenuta sullo stipendio. Teniamo noi il passaporto.", []string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"it", "Nuova in città, giovanissima studentessa, disponibile 24 ore su 24, ricevo e mi sposto, senza preservativo",
			[]string{"service.movement", "service.youth", "service.constant_availability", "kind.escort", "service.unprotected"}, nil},
		// Greek
		{"el", "Αρτοποιείο ζητά πωλήτρια για άμεση πρόσληψη, πλήρης απασχόληση. Νεανική ομάδα.",
			[]string{"kind.job", "spec.hours"}, []string{"job.urgency", "job.targeted_recruitment", "youth.word"}},
		{"el", "Επειγόντως! Ζητούνται νεαρές κοπέλες για εργασία στο εξωτερικό, δωρεάν διαμονή, πληρωμένα εισιτήρια, επικοινωνία μόνο μέσω Viber.",
			[]string{"job.urgency", "job.targeted_recruitment", "job.word_abroad", "job.unrealistic_conditions", "job.travel_provided", "job.offplatform_contact"}, nil},
		{"el", "Έξοδα φακέλου 300 ευρώ, αφαιρούνται από τον μισθό. Κρατάμε το διαβατήριο.", []string{"job.fee_or_debt", "job.document_retention"}, nil},
		{"el", "ΝΕΑ ΣΤΗΝ ΠΟΛΗ! ΦΟΙΤΗΤΡΙΑ, 24ΩΡΟ, ΕΡΩΤΙΚΟ ΜΑΣΑΖ, ΧΩΡΙΣ ΠΡΟΦΥΛΑΚΤΙΚΟ",
			[]string{"service.movement", "service.youth", "service.constant_availability", "kind.escort", "service.unprotected"}, nil},
		// Language-neutral
		{"xx", "🌹🌹 ✈️ new 👑 🍒 call now", []string{"kind.escort", "service.movement", "service.third_party", "service.youth"}, nil},
		{"xx", "Acme Logistics GmbH, www.acme.example", []string{"employer.legal_form", "employer.web"}, nil},
	}
	for _, tt := range tests {
		hits := l.Match(tt.text)
		got := map[string][]string{}
		for _, h := range hits {
			got[h.Tag] = append(got[h.Tag], tt.text[h.Start:h.End])
		}
		for _, w := range tt.want {
			if len(got[w]) == 0 {
				t.Errorf("%s %q: no %s hit; hits %v", tt.lang, tt.text, w, got)
			}
		}
		for _, n := range tt.not {
			if len(got[n]) > 0 {
				t.Errorf("%s %q: unexpected %s hit %q", tt.lang, tt.text, n, got[n])
			}
		}
	}
}

// TestDefaultTags checks that every indicator and feature tag of the format
// has terms in each embedded language file.
func TestDefaultTags(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"job.vague_requirements", "job.vague_employer", "job.unrealistic_conditions", "job.personal_data_request",
		"job.travel_provided", "job.fee_or_debt", "job.document_retention", "job.offplatform_contact", "job.urgency",
		"job.targeted_recruitment", "romance.simulated_romance", "romance.coercion", "service.youth", "service.unprotected",
		"service.third_party", "service.movement", "service.constant_availability", "service.ethnic_emphasis",
		"evasion.obfuscated_contact", "sector.agriculture", "sector.construction", "sector.domestic", "sector.care",
		"sector.hospitality", "sector.cleaning", "sector.manufacturing", "sector.warehouse", "sector.transport",
		"sector.cannabis", "sector.modelling", "kind.job", "kind.escort", "employer.legal_form", "employer.registration",
		"employer.address", "employer.web", "spec.hours", "spec.qualification", "spec.tasks", "youth.word", "job.word_abroad"}
	count := map[string]map[string]int{} // lang → tag → terms
	for _, p := range l.pats {
		if p.suppress {
			continue
		}
		if count[p.lang] == nil {
			count[p.lang] = map[string]int{}
		}
		count[p.lang][l.tagNames[p.tag]]++
	}
	for _, lang := range []string{"de", "el", "en", "es", "fr", "it"} {
		for _, tag := range tags {
			if n := count[lang][tag]; n < 10 {
				t.Errorf("%s %s: %d terms, want >= 10", lang, tag, n)
			}
		}
	}
}
