package corpus

import (
	"bytes"
	"context"
	_ "embed"
	"iter"
)

//go:embed devset/devset.jsonl
var devset []byte

// DevSet yields the bundled labelled development set (corpus/devset): job
// ads and service ads in 14 languages with the indicators each must and may
// raise, kept in Fields "expect", "allow" and "label".
func DevSet() iter.Seq[Record] {
	return ReadJSONL(context.Background(), bytes.NewReader(devset), "corpus/devset/devset.jsonl", Options{})
}
