module github.com/redthread/redthread

go 1.26

require (
	github.com/PuerkitoBio/goquery v1.10.2
	github.com/expr-lang/expr v1.17.6
	github.com/nyaruka/phonenumbers v1.6.5
	github.com/parquet-go/parquet-go v0.25.1
	go.yaml.in/yaml/v3 v3.0.4
	golang.org/x/net v0.38.0
	golang.org/x/text v0.31.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/andybalholm/brotli v1.1.0 // indirect
	github.com/andybalholm/cascadia v1.3.3 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.17.9 // indirect
	github.com/pierrec/lz4/v4 v4.1.21 // indirect
	golang.org/x/exp v0.0.0-20250305212735-054e65f0b394 // indirect
	golang.org/x/sys v0.31.0 // indirect
	google.golang.org/protobuf v1.36.5 // indirect
)
