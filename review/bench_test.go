package review

import (
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/internal/cputime"
)

// BenchmarkCheckPassword measures a wrong password for a known account and
// any password for an unknown one, at bcrypt's default cost (what
// `redthread users` uses): the two must take about as long, or timing
// tells which names exist.
func BenchmarkCheckPassword(b *testing.B) {
	defer func(c int) { BcryptCost = c }(BcryptCost)
	BcryptCost = bcrypt.DefaultCost
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateUser("cli", "ana", "correct horse", RoleAnalyst); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, user string }{{"known", "ana"}, {"unknown", "nobody"}} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := cputime.Process()
			defer func() {
				b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}()
			for range b.N {
				if err := s.CheckPassword(c.user, "wrong horse"); !errors.Is(err, ErrUnauthorized) {
					b.Fatal(err)
				}
			}
		})
	}
}
