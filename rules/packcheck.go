package rules

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/errs"
)

var (
	packKeys = map[string]bool{"name": true, "version": true, "bias": true, "levels": true, "rules": true}
	ruleKeys = map[string]bool{"id": true, "indicator": true, "kinds": true, "when": true, "weight": true, "evidence": true, "explain": true}
)

// checkPackNodes checks the keys and value types of a pack document on the
// parsed node tree, whose lines are the file's own, so that an unknown key
// or a mistyped value is reported at its line with its rule's ID.
func checkPackNodes(src Source, doc *yaml.Node) error {
	fail := func(line int, id string, err error) error {
		return &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Line: line, ID: id, Err: err}
	}
	if doc.Kind != yaml.MappingNode {
		return fail(doc.Line, "", fmt.Errorf("a rule pack is a mapping with name, version, bias, levels and rules"))
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if !packKeys[k.Value] {
			return fail(k.Line, "", fmt.Errorf("unknown key %q (use %s)", k.Value, strings.Join(sortedKeys(packKeys), ", ")))
		}
		if k.Value != "rules" || v.Kind != yaml.SequenceNode {
			continue
		}
		for _, rn := range v.Content {
			if rn.Kind != yaml.MappingNode {
				return fail(rn.Line, "", fmt.Errorf("a rule is a mapping of %s", strings.Join(sortedKeys(ruleKeys), ", ")))
			}
			id := ""
			for j := 0; j+1 < len(rn.Content); j += 2 {
				if rn.Content[j].Value == "id" {
					id = rn.Content[j+1].Value
				}
			}
			for j := 0; j+1 < len(rn.Content); j += 2 {
				if rk := rn.Content[j]; !ruleKeys[rk.Value] {
					return fail(rk.Line, id, fmt.Errorf("unknown key %q (use %s)", rk.Value, strings.Join(sortedKeys(ruleKeys), ", ")))
				}
			}
			var r Rule
			if err := rn.Decode(&r); err != nil {
				return fail(rn.Line, id, err)
			}
		}
	}
	return nil
}
