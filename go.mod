module github.com/redthread/redthread

go 1.26.0

require (
	github.com/PuerkitoBio/goquery v1.10.2
	github.com/corona10/goimagehash v1.1.0
	github.com/expr-lang/expr v1.17.6
	github.com/nyaruka/phonenumbers v1.6.5
	go.yaml.in/yaml/v3 v3.0.4
	golang.org/x/image v0.47.0
	golang.org/x/net v0.38.0
	golang.org/x/text v0.43.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/andybalholm/cascadia v1.3.3 // indirect
	github.com/nfnt/resize v0.0.0-20180221191011-83c6a9932646 // indirect
	golang.org/x/exp v0.0.0-20250305212735-054e65f0b394 // indirect
	google.golang.org/protobuf v1.36.5 // indirect
)
