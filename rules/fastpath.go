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

// index numbers the evidence sources and guarded lexicon tags of a pack,
// so that each Evaluate looks each of them up in the listing at most once,
// however many rules use it.
type index struct {
	srcNames []string  // evidence sources by number
	tagNames []string  // guarded terms tags by number
	ruleSrc  [][]int32 // per rule, its evidence sources
	guards   [][]guard // per rule, its guards
	guardTag [][]int32 // per rule, per guard, its tag number (-1: not a term guard)
	present  []int8    // per source, for this listing: 0 not looked up, 1 has spans, 2 none
	counts   []int     // per tag, for this listing: count + 1 (0: not looked up)
}

func (x *index) build(p *Pack) {
	src, tag := map[string]int32{}, map[string]int32{}
	number := func(m map[string]int32, names *[]string, key string) int32 {
		i, ok := m[key]
		if !ok {
			i = int32(len(*names))
			m[key] = i
			*names = append(*names, key)
		}
		return i
	}
	for _, r := range p.Rules {
		var srcs []int32
		for _, e := range r.Evidence {
			srcs = append(srcs, number(src, &x.srcNames, e))
		}
		x.ruleSrc = append(x.ruleSrc, srcs)
		var tags []int32
		for _, g := range r.guards {
			t := int32(-1)
			if g.tag != "" {
				t = number(tag, &x.tagNames, g.tag)
			}
			tags = append(tags, t)
		}
		x.guardTag = append(x.guardTag, tags)
		x.guards = append(x.guards, r.guards)
	}
	x.present = make([]int8, len(x.srcNames))
	x.counts = make([]int, len(x.tagNames))
}

// quote quotes an evidence text for an explanation, once per listing
// however many rules cite it.
func (x *Evaluator) quote(t string) string {
	if q, ok := x.quoted[t]; ok {
		return q
	}
	q := strconv.Quote(t)
	if strings.Contains(q, `\"`) {
		// Quotes inside the text (`location "beograd" vs "dubai"`): quote
		// the whole with typographic quotes instead of escaping them, so
		// people read it as written. Control characters stay escaped.
		q = "“" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "”"
	}
	if x.quoted == nil {
		x.quoted = make(map[string]string)
	}
	x.quoted[t] = q
	return q
}

// reset forgets the previous listing.
func (x *index) reset() {
	clear(x.present)
	clear(x.counts)
}

// hasEvidence reports whether any of rule ri's evidence sources has spans.
func (x *index) hasEvidence(ri int, f *indicators.Features) bool {
	for _, i := range x.ruleSrc[ri] {
		st := x.present[i]
		if st == 0 {
			st = 2
			if len(f.Spans[x.srcNames[i]]) > 0 {
				st = 1
			}
			x.present[i] = st
		}
		if st == 1 {
			return true
		}
	}
	return false
}

// guardsHold reports whether every guard of rule ri holds.
func (x *index) guardsHold(ri int, f *indicators.Features) bool {
	for gi, g := range x.guards[ri] {
		if t := x.guardTag[ri][gi]; t >= 0 {
			c := x.counts[t]
			if c == 0 {
				c = f.Terms[x.tagNames[t]] + 1
				x.counts[t] = c
			}
			if !g.compare(c - 1) {
				return false
			}
		} else if !g.holds(f) {
			return false
		}
	}
	return true
}

// guard is a conjunct of a condition simple enough to decide without the
// expression VM: terms["tag"] OP n, words OP n, or
// language/kind/country/id ==/!= "s".
type guard struct {
	tag   string // terms key, for term guards
	field string // "words", or "language", "kind", "country", "id" for string guards
	op    string
	n     int
	s     string
}

// holds evaluates the guard on f.
func (g guard) holds(f *indicators.Features) bool {
	switch g.field {
	case "":
		return g.compare(f.Terms[g.tag])
	case "words":
		return g.compare(f.Words)
	}
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

// compare applies a numeric guard's operator to v.
func (g guard) compare(v int) bool {
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
		if num, ok := right.(*ast.IntegerNode); ok && l.Value == "words" {
			return guard{field: "words", op: op, n: num.Value}, true
		}
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
