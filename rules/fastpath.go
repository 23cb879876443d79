package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// explainPart is one piece of an explanation template that needs no
// text/template machinery: literal text, .Texts, .Count, len .Ev, or a
// field of .F printed as is or through printf with a literal format.
type explainPart struct {
	kind   int    // one of the part* constants
	text   string // literal text, or the printf format
	path   []int  // field index path in indicators.Features
	format bool   // print the field through fmt.Sprintf(text, v)
}

const (
	partText = iota
	partTexts
	partCount
	partLenEv
	partField
)

var featuresType = reflect.TypeFor[indicators.Features]()

// fastExplain returns t as parts when it uses nothing but literal text,
// {{.Texts}}, {{.Count}}, {{len .Ev}}, {{.F.X.Y}} and
// {{printf "fmt" .F.X.Y}} — every explanation of the default pack — so
// explaining a hit needs no template interpretation. It returns nil for
// any other template, which then runs through text/template.
func fastExplain(t *template.Template) []explainPart {
	if t.Tree == nil || t.Tree.Root == nil {
		return nil
	}
	var parts []explainPart
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			parts = append(parts, explainPart{kind: partText, text: string(n.Text)})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 {
				return nil
			}
			p, ok := fastAction(n.Pipe.Cmds[0].Args)
			if !ok {
				return nil
			}
			parts = append(parts, p)
		default:
			return nil
		}
	}
	return parts
}

func fastAction(args []parse.Node) (explainPart, bool) {
	switch len(args) {
	case 1:
		f, ok := args[0].(*parse.FieldNode)
		if !ok {
			return explainPart{}, false
		}
		switch {
		case len(f.Ident) == 1 && f.Ident[0] == "Texts":
			return explainPart{kind: partTexts}, true
		case len(f.Ident) == 1 && f.Ident[0] == "Count":
			return explainPart{kind: partCount}, true
		}
		path, ok := featurePath(f.Ident)
		return explainPart{kind: partField, path: path}, ok
	case 2:
		id, ok1 := args[0].(*parse.IdentifierNode)
		f, ok2 := args[1].(*parse.FieldNode)
		if ok1 && ok2 && id.Ident == "len" && len(f.Ident) == 1 && f.Ident[0] == "Ev" {
			return explainPart{kind: partLenEv}, true
		}
	case 3:
		id, ok1 := args[0].(*parse.IdentifierNode)
		format, ok2 := args[1].(*parse.StringNode)
		f, ok3 := args[2].(*parse.FieldNode)
		if ok1 && ok2 && ok3 && id.Ident == "printf" {
			path, ok := featurePath(f.Ident)
			return explainPart{kind: partField, text: format.Text, path: path, format: true}, ok
		}
	}
	return explainPart{}, false
}

// featurePath resolves .F.A.B to a field index path through value
// (non-pointer) struct fields of indicators.Features.
func featurePath(ident []string) ([]int, bool) {
	if len(ident) < 2 || ident[0] != "F" {
		return nil, false
	}
	t := featuresType
	var path []int
	for _, name := range ident[1:] {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		sf, ok := t.FieldByName(name)
		if !ok || !sf.IsExported() || len(sf.Index) != 1 {
			return nil, false
		}
		path = append(path, sf.Index[0])
		t = sf.Type
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Float64:
		return path, true
	}
	return nil, false
}

// renderFast writes an explanation from its parts.
func renderFast(b *strings.Builder, parts []explainPart, texts []string, f *indicators.Features, ev []corpus.Evidence) {
	for _, p := range parts {
		switch p.kind {
		case partText:
			b.WriteString(p.text)
		case partTexts:
			for i, t := range texts {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(t)
			}
		case partCount, partLenEv:
			b.WriteString(strconv.Itoa(len(ev)))
		case partField:
			v := reflect.ValueOf(f).Elem().FieldByIndex(p.path).Interface()
			if p.format {
				fmt.Fprintf(b, p.text, v)
			} else {
				fmt.Fprint(b, v)
			}
		}
	}
}

// hasEvidence reports whether any of r's evidence sources has spans in f.
func hasEvidence(r *Rule, f *indicators.Features) bool {
	for _, src := range r.Evidence {
		if len(f.Spans[src]) > 0 {
			return true
		}
	}
	return false
}

// guard is a conjunct of a condition simple enough to decide without the
// expression VM: terms["tag"] OP n, or language/kind/country/id ==/!= "s".
type guard struct {
	tag   string // terms key, for term guards
	field string // "language", "kind", "country", "id" for string guards
	op    string
	n     int
	s     string
}

func (g guard) holds(f *indicators.Features) bool {
	if g.field != "" {
		var v string
		switch g.field {
		case "language":
			v = f.Language
		case "kind":
			v = f.Kind
		case "country":
			v = f.Country
		case "id":
			v = f.ID
		}
		return (v == g.s) == (g.op == "==")
	}
	v := f.Terms[g.tag]
	switch g.op {
	case ">":
		return v > g.n
	case ">=":
		return v >= g.n
	case "<":
		return v < g.n
	case "<=":
		return v <= g.n
	case "==":
		return v == g.n
	case "!=":
		return v != g.n
	}
	return true
}

// compileGuards finds the top-level conjuncts of cond that are guards. A
// rule whose guard fails cannot fire, so the VM need not run; when every
// conjunct is a guard (complete), the guards decide the condition alone.
func compileGuards(cond string) (guards []guard, complete bool) {
	tree, err := parser.Parse(cond)
	if err != nil {
		return nil, false
	}
	complete = true
	var conj func(n ast.Node)
	conj = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			conj(b.Left)
			conj(b.Right)
			return
		}
		if g, ok := asGuard(n); ok {
			guards = append(guards, g)
		} else {
			complete = false
		}
	}
	conj(tree.Node)
	return guards, complete && len(guards) > 0
}

var flipped = map[string]string{">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}

func asGuard(n ast.Node) (guard, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return guard{}, false
	}
	op, left, right := b.Operator, b.Left, b.Right
	if _, ok := flipped[op]; !ok {
		return guard{}, false
	}
	// Literal on the right: swap "0 < terms[...]" and `"ro" == language`.
	if _, lit := left.(*ast.IntegerNode); lit {
		op, left, right = flipped[op], right, left
	} else if _, lit := left.(*ast.StringNode); lit {
		left, right = right, left
	}
	switch l := left.(type) {
	case *ast.MemberNode:
		id, ok1 := l.Node.(*ast.IdentifierNode)
		key, ok2 := l.Property.(*ast.StringNode)
		num, ok3 := right.(*ast.IntegerNode)
		if ok1 && ok2 && ok3 && id.Value == "terms" && !l.Optional && !l.Method {
			return guard{tag: key.Value, op: op, n: num.Value}, true
		}
	case *ast.IdentifierNode:
		s, ok := right.(*ast.StringNode)
		if ok && (op == "==" || op == "!=") {
			switch l.Value {
			case "language", "kind", "country", "id":
				return guard{field: l.Value, op: op, s: s.Value}, true
			}
		}
	}
	return guard{}, false
}
