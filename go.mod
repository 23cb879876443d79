module github.com/redthread/redthread

go 1.26

require (
	github.com/nyaruka/phonenumbers v1.6.5
	golang.org/x/text v0.23.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	golang.org/x/exp v0.0.0-20250305212735-054e65f0b394 // indirect
	google.golang.org/protobuf v1.36.5 // indirect
)
