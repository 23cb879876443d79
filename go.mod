module github.com/redthread/redthread

go 1.26

require (
	github.com/PuerkitoBio/goquery v1.10.3
	github.com/expr-lang/expr v1.17.6
	golang.org/x/net v0.47.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/andybalholm/cascadia v1.3.3 // indirect
	golang.org/x/text v0.31.0 // indirect
)
