module github.com/redthread/redthread

go 1.26

require (
	golang.org/x/text v0.31.0
	gopkg.in/yaml.v3 v3.0.1
)
