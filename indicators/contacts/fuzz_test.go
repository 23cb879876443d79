package contacts

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"Posao u Nemačkoj, javite se na 064/123-4567 ili +381 64 123 4567",
	"six one seven - 5five5 - 0one23 2Five3-22seven-7503 8O5-253-6469",
	"📞 0️⃣6️⃣4️⃣1️⃣2️⃣3️⃣ ０６４ ⓪⑥④ 𝟎𝟔𝟒 нула шест четири έξι εννέα",
	"mila at gmail dot com, ana(at)yahoo(dot)com, x [at] mail [.] ru, y @ yahoo . com",
	"telegram @rabota_pl TG: rabota_pl insta: mila.bg t.me/rabota_pl wa.me/381641234567",
	"Viber/WhatsApp: 064 123 4567 w.h.a.t.s.a.p.p https://x.com/a?b=1. rabota.pl/o/1 www.x.com",
	"Plata 3000-5000 eur, 12.05.2025, 19yo, 24/7, 10-18h, 170cm 55kg, 1.500.000 din",
	"(at)(dot)[.]@@@.. +++ 00 00381 (((",
	"sixonesevenfivefivefiveonetwothreefour п'ять дев'ять",
	"702♡555♡0134 6[two]3 six1seven seventy one forty-two treinta y uno einundzwanzig 5550134call 5to5 for7",
	"1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0",
	"♡☆¥¿#•~…♡☆¥¿#•~…1♡2☆3¥4¿5#6•7~8…9♡0☆1¥2¿3#4•5~6…7",
	"&#12 0;&#160; 34;#160;&#1 60; \\u2022 <U+1F48B> 12<U+1F48B>34\\u202256",
}

func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "RS")
		f.Add(s, "")
	}
	f.Add("617 555 0123", "US")
	e := mustNew(f)
	f.Fuzz(func(t *testing.T, text, region string) {
		if len(region) > 3 {
			region = region[:3]
		}
		cs := e.Extract(text, region)
		for i, c := range cs {
			if c.Start < 0 || c.End > len(text) || c.Start > c.End {
				t.Fatalf("contact %d %+v: span out of bounds (len %d)", i, c, len(text))
			}
			if text[c.Start:c.End] != c.Text {
				t.Fatalf("contact %d: Text %q != text[%d:%d] %q", i, c.Text, c.Start, c.End, text[c.Start:c.End])
			}
			if i > 0 && cs[i-1].Start > c.Start {
				t.Fatalf("not sorted by Start at %d", i)
			}
			if c.Value == "" {
				t.Fatalf("contact %d: empty value", i)
			}
			switch c.Type {
			case Phone:
				if c.Value[0] != '+' || !allDigits(c.Value[1:]) {
					t.Fatalf("phone %q is not E.164", c.Value)
				}
			case Email:
				if c.Value != strings.ToLower(c.Value) || strings.Count(c.Value, "@") != 1 {
					t.Fatalf("email %q not normalized", c.Value)
				}
			case Handle:
				if !strings.Contains(c.Value, ":") {
					t.Fatalf("handle %q has no app", c.Value)
				}
			case URL:
				if !strings.HasPrefix(c.Value, "http://") && !strings.HasPrefix(c.Value, "https://") &&
					!strings.HasPrefix(strings.ToLower(c.Value), "http") {
					t.Fatalf("url %q has no scheme", c.Value)
				}
			default:
				t.Fatalf("unknown type %q", c.Type)
			}
		}
	})
}

func FuzzRecoverDigits(f *testing.F) {
	for _, s := range []string{"six one seven", "2Five3-22seven-7503", "8O5-253-6469", "шест", "έξι", "1️⃣2️⃣",
		"①②③", "１２３", "𝟘𝟙", "tri dva", "п'ять", "sixonesix", "O l I", "٠١٢٣"} {
		f.Add(s)
	}
	e := mustNew(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := e.RecoverDigits(s)
		if !ok {
			if d != "" {
				t.Fatalf("RecoverDigits(%q) = %q with ok false", s, d)
			}
			return
		}
		if !allDigits(d) {
			t.Fatalf("RecoverDigits(%q) = %q: not all digits", s, d)
		}
		if !utf8.ValidString(s) {
			return
		}
		// Plain ASCII digits are recovered unchanged.
		if allDigits(s) && d != s {
			t.Fatalf("RecoverDigits(%q) = %q", s, d)
		}
	})
}

// ad is a 2 KB listing without contacts, for the benchmark.
var benchAd = strings.Repeat("Hiring now: seasonal work in Germany, fruit picking and packing. Salary 1800-2200 EUR per month, "+
	"accommodation 250 EUR deducted. Start 12.05.2025, shifts 6-14h and 14-22h, 5/2 schedule. Age 18-45, no experience, "+
	"no language needed. Posao u Nemačkoj, branje voća, plata 2000 eura mesečno, smeštaj obezbeđen. Работа в Польше, "+
	"зарплата от 4000 злотых, жильё бесплатно. ", 5)[:2048]

func BenchmarkExtract(b *testing.B) {
	e := mustNew(b)
	b.Run("no-contacts", func(b *testing.B) {
		b.SetBytes(int64(len(benchAd)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if cs := e.Extract(benchAd, "RS"); len(cs) != 0 {
				b.Fatalf("unexpected contacts %v", describe(cs))
			}
		}
	})
	withContacts := benchAd[:1800] + " Viber/WhatsApp: 064/123-4567, mila at gmail dot com, t.me/rabota_pl, six one seven five five five"
	b.Run("with-contacts", func(b *testing.B) {
		b.SetBytes(int64(len(withContacts)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e.Extract(withContacts, "RS")
		}
	})
}

// BenchmarkExtractLarge checks that cost stays linear on long texts dense with contacts.
func BenchmarkExtractLarge(b *testing.B) {
	e := mustNew(b)
	unit := "tg @user_1 viber 064/123-4567 a@b.com x.com/p 1800-2200 eur 12.05.2025 six one seven "
	for _, n := range []int{100, 1000} {
		text := strings.Repeat(unit, n)
		b.Run(strconv.Itoa(len(text)), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				e.Extract(text, "RS")
			}
		})
	}
}
