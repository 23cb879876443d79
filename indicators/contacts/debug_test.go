package contacts

import (
	"fmt"
	"os"
	"testing"
)

func TestDebug(t *testing.T) {
	in := os.Getenv("DBG")
	if in == "" {
		t.Skip()
	}
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Extract(in, os.Getenv("REG")) {
		fmt.Printf("%s %q text=%q obf=%v valid=%v\n", c.Type, c.Value, c.Text, c.Obfuscated, c.Valid)
	}
}
