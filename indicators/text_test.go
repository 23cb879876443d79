package indicators

import "testing"

// TestNoDiacritics: a body of 20+ words in a language that needs letters
// with diacritics, written without any (issue 10). Made-up texts.
func TestNoDiacritics(t *testing.T) {
	for _, tc := range []struct {
		name, lang, body string
		want             bool
	}{
		{"sq without ë ç", "sq", "Kerkojme punetore per nje fabrike ne Itali, puna eshte e thjeshte dhe paga eshte shume e mire, fjetja dhe ushqimi jane falas, nisja behet te hene", true},
		{"sq with them", "sq", "Kërkojmë punëtorë për një fabrikë në Itali, puna është e thjeshtë dhe paga është shumë e mirë, fjetja dhe ushqimi janë falas, nisja bëhet të hënën", false},
		{"ro without", "ro", "Cautam muncitori pentru o ferma din Spania, cazare si masa gratuite, plata saptamanal, plecarea luni din Bacau cu microbuzul firmei, sunati acum la numarul de mai jos", true},
		{"el without tonos", "el", "Ζητουνται κοπελες για δουλεια σε ξενοδοχειο στη Μυκονο, μισθος πολυ καλος, διαμονη και φαγητο δωρεαν, αναχωρηση την επομενη εβδομαδα απο την Αθηνα με πουλμαν της εταιρειας", true},
		{"el in capitals", "el", "ΖΗΤΟΥΝΤΑΙ ΚΟΠΕΛΕΣ ΓΙΑ ΔΟΥΛΕΙΑ ΣΕ ΞΕΝΟΔΟΧΕΙΟ ΣΤΗ ΜΥΚΟΝΟ ΜΙΣΘΟΣ ΠΟΛΥ ΚΑΛΟΣ ΔΙΑΜΟΝΗ ΚΑΙ ΦΑΓΗΤΟ ΔΩΡΕΑΝ ΑΝΑΧΩΡΗΣΗ ΤΗΝ ΕΠΟΜΕΝΗ ΕΒΔΟΜΑΔΑ ΑΠΟ ΤΗΝ ΑΘΗΝΑ ΜΕ ΠΟΥΛΜΑΝ", false},
		{"short", "sq", "Pune ne Itali, paga e mire", false},
		{"bg in Latin letters", "bg", "Tarsim momicheta za rabota v hotel v Gartsia, zaplatata e mnogo dobra, kvartirata i hranata sa bezplatni, tragvame sledvashtata sedmitsa s avtobus ot Sofia, pishete ni vednaga", true},
		{"ru with a few Latin words", "ru", "Требуются работники на склад в Польше, оплата 25 злотых в час, жильё рядом, пишите в WhatsApp или Viber, отправка каждую неделю из Бреста, документы оформляем сами", false},
		{"en needs none", "en", "We are looking for workers for a factory in Italy, the work is simple and the pay is very good, food and housing are free, we leave next Monday by bus", false},
	} {
		f := &Features{Language: tc.lang, Spans: map[string][]Span{}}
		writingQuality(f, "body", tc.body, &f.Text)
		if f.Text.NoDiacritics != tc.want {
			t.Errorf("%s: NoDiacritics = %v, want %v", tc.name, f.Text.NoDiacritics, tc.want)
		}
		if tc.want && len(f.Spans["text:poor"]) == 0 {
			t.Errorf("%s: no evidence", tc.name)
		}
	}
}

// TestLowercaseStart counts the sentences of the body that start in lower case.
func TestLowercaseStart(t *testing.T) {
	f := &Features{Spans: map[string][]Span{}}
	writingQuality(f, "body", "hello friends. we need workers! good pay. Call now. see you at example.com soon", &f.Text)
	if f.Text.LowercaseStart != 4 || f.Text.sentences != 5 {
		t.Errorf("LowercaseStart %d of %d sentences, want 4 of 5 (not after example.com)", f.Text.LowercaseStart, f.Text.sentences)
	}
}
