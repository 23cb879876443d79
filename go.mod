module github.com/redthread/redthread

go 1.26.0

require (
	github.com/corona10/goimagehash v1.1.0
	golang.org/x/image v0.47.0
)

require github.com/nfnt/resize v0.0.0-20180221191011-83c6a9932646 // indirect
